// The relay's certificate: generated once and kept (one, even when processes start together),
// made again when it nears its end, no longer names the host, or is damaged; the operator's own
// used as given, with a clear error when it cannot be.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import { describe, expect, it } from "vitest";
import { relayCertificate } from "../../../lib/relay/relay-certificate";

const freshDir = () => mkdtempSync(path.join(tmpdir(), "mailroom-relay-cert-"));
const DAY_MS = 24 * 60 * 60 * 1000;

describe("the relay's generated certificate", () => {
  it("is made once and kept, for the host, localhost and loopback, with its SHA-256 fingerprint", async () => {
    const dir = freshDir();
    const first = await relayCertificate({ hostname: "mail.example.com", dir });
    const again = await relayCertificate({ hostname: "mail.example.com", dir });
    expect(first.generated).toBe(true);
    expect(again.fingerprint256).toBe(first.fingerprint256);
    expect(first.file).toBe(path.join(dir, "relay.pem"));
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const cert = new X509Certificate(first.certPem);
    expect(first.fingerprint256).toBe(cert.fingerprint256);
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.checkHost("mail.example.com")).toBe("mail.example.com");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkIP("::1")).toBe("::1");
    expect(cert.ca).toBe(false);
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    expect(lifetime).toBeLessThanOrEqual(825 * DAY_MS);
    expect(lifetime).toBeGreaterThan(800 * DAY_MS);
  });

  it("is one certificate when processes start at the same moment", async () => {
    const dir = freshDir();
    const all = await Promise.all(
      Array.from({ length: 4 }, () => relayCertificate({ hostname: "localhost", dir })),
    );
    expect(new Set(all.map((c) => c.fingerprint256)).size).toBe(1);
    const kept = new X509Certificate(readFileSync(path.join(dir, "relay.pem")));
    expect(kept.fingerprint256).toBe(all[0]!.fingerprint256);
  });

  it("is made again for another host, near its end, and when the file is damaged", async () => {
    const dir = freshDir();
    const file = path.join(dir, "relay.pem");
    const first = await relayCertificate({ hostname: "localhost", dir });

    const moved = await relayCertificate({ hostname: "relay.example.org", dir });
    expect(moved.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(moved.certPem).checkHost("relay.example.org")).toBeDefined();

    const ending = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "rsa",
      keySize: 2048,
      notBeforeDate: new Date(Date.now() - DAY_MS),
      notAfterDate: new Date(Date.now() + 10 * DAY_MS),
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
    });
    writeFileSync(file, ending.private + ending.cert);
    const renewed = await relayCertificate({ hostname: "localhost", dir });
    expect(renewed.fingerprint256).not.toBe(new X509Certificate(ending.cert).fingerprint256);
    expect(Date.parse(new X509Certificate(renewed.certPem).validTo)).toBeGreaterThan(
      Date.now() + 800 * DAY_MS,
    );

    writeFileSync(file, "-----BEGIN CERTIFICATE-----\ncut short");
    const repaired = await relayCertificate({ hostname: "localhost", dir });
    expect(repaired.fingerprint256).not.toBe(renewed.fingerprint256);
    expect(new X509Certificate(readFileSync(file)).fingerprint256).toBe(repaired.fingerprint256);
  });
});

describe("the operator's certificate (RELAY_TLS_CERT / RELAY_TLS_KEY)", () => {
  async function files() {
    const dir = freshDir();
    const made = await relayCertificate({ hostname: "mail.example.com", dir: freshDir() });
    const certFile = path.join(dir, "cert.pem");
    const keyFile = path.join(dir, "key.pem");
    writeFileSync(certFile, made.certPem);
    writeFileSync(keyFile, made.keyPem);
    return { dir, made, certFile, keyFile };
  }

  it("is used as given", async () => {
    const { made, certFile, keyFile } = await files();
    const used = await relayCertificate({ certFile, keyFile, hostname: "elsewhere.example" });
    expect(used).toMatchObject({
      generated: false,
      fingerprint256: made.fingerprint256,
      certPem: made.certPem,
      file: certFile,
    });
  });

  it("stops with a sentence naming the variable when it cannot be used", async () => {
    const { dir, certFile, keyFile } = await files();
    const missing = path.join(dir, "missing.pem");
    await expect(relayCertificate({ certFile: missing, keyFile, hostname: "x" })).rejects.toThrow(
      `RELAY_TLS_CERT: cannot read ${missing} (ENOENT).`,
    );
    await expect(relayCertificate({ certFile: keyFile, keyFile, hostname: "x" })).rejects.toThrow(
      /^RELAY_TLS_CERT: .* is not a PEM certificate\.$/,
    );
    await expect(relayCertificate({ certFile, keyFile: certFile, hostname: "x" })).rejects.toThrow(
      /^RELAY_TLS_KEY: .* is not a PEM private key\.$/,
    );
    const other = await files();
    await expect(
      relayCertificate({ certFile, keyFile: other.keyFile, hostname: "x" }),
    ).rejects.toThrow(/^RELAY_TLS_KEY: .* is not the key of the certificate in /);
  });
});
