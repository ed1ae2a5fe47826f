// The emulator's CA and server certificates, checked by Node's own TLS verification.
import { X509Certificate } from "node:crypto";
import { createServer, connect, type TLSSocket } from "node:tls";
import { generate } from "selfsigned";
import { describe, expect, it } from "vitest";
import { createCertificateAuthority, issueServerCertificate } from "../../emulator/certs";

async function handshake(
  server: { certPem: string; keyPem: string },
  ca: string,
  target: { host: string; servername?: string },
): Promise<{ authorized: boolean; error?: string }> {
  const tlsServer = createServer({ key: server.keyPem, cert: server.certPem }, (socket) =>
    socket.end(),
  );
  await new Promise<void>((resolve) => tlsServer.listen(0, target.host, resolve));
  const address = tlsServer.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    return await new Promise((resolve) => {
      const socket: TLSSocket = connect({
        host: target.host,
        port,
        ca,
        servername: target.servername,
      });
      socket.once("secureConnect", () => {
        resolve({ authorized: socket.authorized });
        socket.destroy();
      });
      socket.once("error", (error: Error) => resolve({ authorized: false, error: error.message }));
    });
  } finally {
    await new Promise((resolve) => tlsServer.close(resolve));
  }
}

describe("createCertificateAuthority", () => {
  it("makes a CA certificate that may sign certificates", async () => {
    const ca = await createCertificateAuthority("Example Test CA");
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain("CN=Example Test CA");
    expect(cert.checkIssued(cert)).toBe(true);
    expect(ca.keyPem).toContain("PRIVATE KEY");
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  });
});

describe("issueServerCertificate", () => {
  it("issues a server certificate Node's TLS verifies for every name, and for no other", async () => {
    const ca = await createCertificateAuthority("Example Test CA");
    const server = await issueServerCertificate(ca, ["smtp.gmail.com", "localhost", "127.0.0.1"]);
    const cert = new X509Certificate(server.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe("CN=smtp.gmail.com");
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.subjectAltName).toBe(
      "DNS:smtp.gmail.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    expect(cert.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth

    expect(
      await handshake(server, ca.certPem, { host: "127.0.0.1", servername: "smtp.gmail.com" }),
    ).toEqual({
      authorized: true,
    });
    expect(
      await handshake(server, ca.certPem, { host: "127.0.0.1", servername: "localhost" }),
    ).toEqual({
      authorized: true,
    });
    expect(await handshake(server, ca.certPem, { host: "127.0.0.1" })).toEqual({
      authorized: true,
    });
    expect(await handshake(server, ca.certPem, { host: "::1" })).toEqual({ authorized: true });

    const wrongName = await handshake(server, ca.certPem, {
      host: "127.0.0.1",
      servername: "mail.example.com",
    });
    expect(wrongName.error).toMatch(/Hostname\/IP does not match certificate's altnames/);
    const otherCa = await createCertificateAuthority("Someone Else");
    const untrusted = await handshake(server, otherCa.certPem, {
      host: "127.0.0.1",
      servername: "localhost",
    });
    expect(untrusted.error).toMatch(/unable to verify|self[- ]signed/i);
  });

  it("signs with an RSA CA too (a CA kept from elsewhere)", async () => {
    const rsa = await generate([{ name: "commonName", value: "RSA CA" }], {
      keyType: "rsa",
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ],
    });
    const ca = { certPem: rsa.cert, keyPem: rsa.private };
    const server = await issueServerCertificate(ca, ["localhost"]);
    expect(
      await handshake(server, ca.certPem, { host: "127.0.0.1", servername: "localhost" }),
    ).toEqual({
      authorized: true,
    });
  });

  it("refuses a certificate that is not a CA", async () => {
    const ca = await createCertificateAuthority("Example Test CA");
    const leaf = await issueServerCertificate(ca, ["localhost"]);
    await expect(issueServerCertificate(leaf, ["localhost"])).rejects.toThrow(
      /not a CA certificate/,
    );
    await expect(issueServerCertificate(ca, [])).rejects.toThrow(/at least one hostname/);
  });
});
