// The page's Content-Security-Policy allows only Mailroom's own nonced scripts, relaxes nothing
// in production that development needs, lets sign-in reach the issuer, and HSTS is sent only
// when Mailroom's public URL is HTTPS.
import { describe, expect, it } from "vitest";
import {
  createNonce,
  pageContentSecurityPolicy,
  strictTransportSecurity,
} from "../../lib/http/security-headers";

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

const production = {
  nonce: "bm9uY2Utb2YtdGhpcy1yZXF1ZXN0",
  development: false,
  issuer: "https://accounts.google.com",
  https: true,
};

describe("pageContentSecurityPolicy", () => {
  it("allows scripts only with this request's nonce, and nothing inline or evaluated", () => {
    const policy = directives(pageContentSecurityPolicy(production));
    expect(policy.get("script-src")).toEqual([
      "'self'",
      "'nonce-bm9uY2Utb2YtdGhpcy1yZXF1ZXN0'",
      "'strict-dynamic'",
    ]);
    expect(policy.get("style-src")).toEqual(["'self'", "'nonce-bm9uY2Utb2YtdGhpcy1yZXF1ZXN0'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("img-src")).toEqual(["'self'", "data:"]);
  });

  it("lets forms post to Mailroom and to the issuer's origin only", () => {
    const policy = directives(
      pageContentSecurityPolicy({ ...production, issuer: "http://127.0.0.1:4100/oauth/" }),
    );
    expect(policy.get("form-action")).toEqual(["'self'", "http://127.0.0.1:4100"]);
  });

  it("allows eval and inline styles only in development", () => {
    const dev = directives(pageContentSecurityPolicy({ ...production, development: true }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(pageContentSecurityPolicy(production)).not.toContain("unsafe");
  });

  it("upgrades insecure subresources only when served over HTTPS", () => {
    expect(directives(pageContentSecurityPolicy(production)).has("upgrade-insecure-requests")).toBe(
      true,
    );
    expect(
      directives(pageContentSecurityPolicy({ ...production, https: false })).has(
        "upgrade-insecure-requests",
      ),
    ).toBe(false);
  });
});

describe("createNonce", () => {
  it("gives 128 random bits, different every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("strictTransportSecurity", () => {
  it("asks browsers to stay on HTTPS for two years when the public URL is HTTPS", () => {
    expect(strictTransportSecurity("https://mail.example.com")).toBe(
      "max-age=63072000; includeSubDomains",
    );
  });

  it("is not sent when Mailroom is served over plain HTTP", () => {
    expect(strictTransportSecurity("http://localhost:3000")).toBeUndefined();
  });
});
