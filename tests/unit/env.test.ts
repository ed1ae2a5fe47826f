import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { EnvError, envSchema, parseEnv } from "../../lib/env";

const required = {
  NEXTAUTH_URL: "http://localhost:3000",
  NEXTAUTH_SECRET: "a-long-enough-secret-value",
  GOOGLE_CLIENT_ID: "client.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "secret",
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

function rejection(overrides: Record<string, string | undefined>): EnvError {
  try {
    parseEnv({ ...required, ...overrides });
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("env", () => {
  it("defaults to Google's real endpoints, SQLite and implicit TLS on 465", () => {
    const env = parseEnv(required);
    expect(env.DATABASE_URL).toBe("file:./data/mailroom.db");
    expect(env.GOOGLE_ISSUER).toBe("https://accounts.google.com");
    expect(env.GMAIL_API_URL).toBe("https://gmail.googleapis.com");
    expect(env.SMTP_HOST).toBe("smtp.gmail.com");
    expect(env.SMTP_PORT).toBe(465);
    expect(env.SMTP_SECURE).toBe(true);
    expect(env.RELAY_PORT).toBeUndefined();
    expect(env.MAILROOM_WORKER).toBe("inline");
    expect(env.TOKEN_ENCRYPTION_OLD_KEYS).toEqual([]);
  });

  it("accepts STARTTLS on 587 and a PostgreSQL URL", () => {
    const env = parseEnv({
      ...required,
      SMTP_PORT: "587",
      SMTP_SECURE: "false",
      DATABASE_URL: "postgresql://localhost/mailroom",
    });
    expect(env.SMTP_PORT).toBe(587);
    expect(env.SMTP_SECURE).toBe(false);
    expect(env.DATABASE_URL).toBe("postgresql://localhost/mailroom");
  });

  it.each([
    ["DATABASE_URL", "mysql://localhost/db", /file:.*postgresql/],
    ["NEXTAUTH_URL", "not a url", /URL/],
    ["NEXTAUTH_SECRET", "short", /16 characters/],
    ["GOOGLE_CLIENT_ID", undefined, /required/],
    ["GOOGLE_CLIENT_SECRET", undefined, /required/],
    ["GOOGLE_ISSUER", "accounts.google.com", /URL/],
    ["GMAIL_API_URL", "ftp://gmail", /URL/],
    ["SMTP_HOST", "smtp gmail com", /host name/],
    ["SMTP_PORT", "70000", /port/],
    ["SMTP_PORT", "abc", /port/],
    ["SMTP_SECURE", "yes", /"true" or "false"/],
    ["TOKEN_ENCRYPTION_KEY", undefined, /required/],
    ["TOKEN_ENCRYPTION_KEY", Buffer.alloc(16).toString("base64"), /32 random bytes/],
    ["TOKEN_ENCRYPTION_KEY", "not base64 at all!", /32 random bytes/],
    ["TOKEN_ENCRYPTION_OLD_KEYS", "abc,def", /32-byte/],
    ["RELAY_PORT", "-1", /port/],
    ["RELAY_TLS_PORT", "70000", /port/],
    ["RELAY_MAX_CONNECTIONS_PER_IP", "0", /at least 1/],
    ["MAILROOM_WORKER", "sometimes", /"inline" or "off"/],
    ["NEXTAUTH_URL", "http://mailroom.example.com", /https:\/\//],
    ["NEXTAUTH_URL", "http://10.0.0.5:3000", /https:\/\//],
    ["GOOGLE_ISSUER", "http://accounts.google.com", /https:\/\//],
    ["GOOGLE_ISSUER", "http://localhost.evil.example", /https:\/\//],
    ["GMAIL_API_URL", "http://gmail.googleapis.com", /https:\/\//],
    ["ALLOWED_EMAILS", "ada@example.com,not-an-address", /email addresses/],
    ["ALLOWED_DOMAINS", "example.com,@example.org", /domain names/],
    ["AUDIT_RETENTION_DAYS", "0", /at least 1/],
  ])("rejects a bad %s (%s) naming the variable", (variable, value, problem) => {
    const error = rejection({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(error.message).toMatch(problem);
    expect(error.message).not.toContain("\n");
  });
});

describe("env: where plain http is allowed", () => {
  it.each([
    "http://localhost:3000",
    "http://127.0.0.1:4400",
    "http://127.8.9.10",
    "http://[::1]:3000",
    "https://mailroom.example.com",
  ])("accepts %s for NEXTAUTH_URL and GOOGLE_ISSUER", (url) => {
    const env = parseEnv({ ...required, NEXTAUTH_URL: url, GOOGLE_ISSUER: url });
    expect(env.NEXTAUTH_URL).toBe(url);
    expect(env.GOOGLE_ISSUER).toBe(url);
  });
});

describe("env: who may sign in", () => {
  it("reads the allowlists as trimmed, lowercased lists", () => {
    const env = parseEnv({
      ...required,
      ALLOWED_EMAILS: " Ada@Example.com , bob@example.org,",
      ALLOWED_DOMAINS: "Example.NET",
    });
    expect(env.ALLOWED_EMAILS).toEqual(["ada@example.com", "bob@example.org"]);
    expect(env.ALLOWED_DOMAINS).toEqual(["example.net"]);
  });

  it("refuses a production start that would let every Google account in", () => {
    const error = rejection({ NODE_ENV: "production" });
    expect(error.variable).toBe("ALLOWED_EMAILS");
    expect(error.message).toMatch(/ALLOWED_DOMAINS must say who may sign in/);
    expect(
      parseEnv({ ...required, NODE_ENV: "production", ALLOWED_DOMAINS: "example.com" }),
    ).toMatchObject({ ALLOWED_DOMAINS: ["example.com"] });
    expect(
      parseEnv({ ...required, NODE_ENV: "production", ALLOWED_EMAILS: "a@b.example" }),
    ).toMatchObject({ ALLOWED_EMAILS: ["a@b.example"] });
  });
});

describe("env: the SMTP relay", () => {
  it("is off unless RELAY_PORT is set, and reads its ports and limit", () => {
    const off = parseEnv(required);
    expect([off.RELAY_PORT, off.RELAY_TLS_PORT, off.RELAY_TLS_CERT, off.RELAY_TLS_KEY]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(off.RELAY_MAX_CONNECTIONS_PER_IP).toBe(10);
    expect(
      parseEnv({
        ...required,
        RELAY_PORT: "2525",
        RELAY_TLS_PORT: "4650",
        RELAY_TLS_CERT: "/etc/mailroom/cert.pem",
        RELAY_TLS_KEY: "/etc/mailroom/key.pem",
        RELAY_MAX_CONNECTIONS_PER_IP: "3",
      }),
    ).toMatchObject({
      RELAY_PORT: 2525,
      RELAY_TLS_PORT: 4650,
      RELAY_TLS_CERT: "/etc/mailroom/cert.pem",
      RELAY_TLS_KEY: "/etc/mailroom/key.pem",
      RELAY_MAX_CONNECTIONS_PER_IP: 3,
    });
  });

  it("refuses an implicit-TLS port without RELAY_PORT", () => {
    const error = rejection({ RELAY_TLS_PORT: "4650" });
    expect(error.variable).toBe("RELAY_TLS_PORT");
    expect(error.message).toMatch(/needs RELAY_PORT too/);
  });

  it("refuses a certificate without its key, and a key without its certificate", () => {
    const noKey = rejection({ RELAY_PORT: "2525", RELAY_TLS_CERT: "/etc/mailroom/cert.pem" });
    expect(noKey.variable).toBe("RELAY_TLS_KEY");
    expect(noKey.message).toMatch(/is required with RELAY_TLS_CERT/);
    const noCert = rejection({ RELAY_PORT: "2525", RELAY_TLS_KEY: "/etc/mailroom/key.pem" });
    expect(noCert.variable).toBe("RELAY_TLS_CERT");
    expect(noCert.message).toMatch(/is required with RELAY_TLS_KEY/);
  });
});

describe("env: sender domain checks", () => {
  it("asks the system's resolvers and the google selector unless told otherwise", () => {
    const config = parseEnv(required);
    expect(config.DNS_SERVERS).toEqual([]);
    expect(config.DKIM_SELECTOR).toBe("google");
  });

  it("reads DNS servers with optional ports, IPv4 and IPv6", () => {
    const config = parseEnv({
      ...required,
      DNS_SERVERS: "1.1.1.1, 127.0.0.1:5353,[::1]:53,2001:db8::1",
      DKIM_SELECTOR: "s2024",
    });
    expect(config.DNS_SERVERS).toEqual(["1.1.1.1", "127.0.0.1:5353", "[::1]:53", "2001:db8::1"]);
    expect(config.DKIM_SELECTOR).toBe("s2024");
  });

  it("refuses a host name or a bad port in DNS_SERVERS, and a selector that is no DNS label", () => {
    expect(rejection({ DNS_SERVERS: "dns.google" }).variable).toBe("DNS_SERVERS");
    expect(rejection({ DNS_SERVERS: "127.0.0.1:99999" }).variable).toBe("DNS_SERVERS");
    expect(rejection({ DNS_SERVERS: "300.1.1.1" }).variable).toBe("DNS_SERVERS");
    expect(rejection({ DKIM_SELECTOR: "google._domainkey;" }).variable).toBe("DKIM_SELECTOR");
  });
});

describe(".env.example", () => {
  it("documents every variable Mailroom reads", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const documented = new Set(
      [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]),
    );
    const read = Object.keys(envSchema.shape).filter((name) => name !== "NODE_ENV");
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});
