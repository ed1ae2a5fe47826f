// Certificates for the emulator's SMTP listeners: a local certificate authority and server
// certificates it signs, so clients verify TLS for real (through NODE_EXTRA_CA_CERTS or `ca`).
import { createPrivateKey, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Backdated a day so a client whose clock runs a little behind still accepts the certificate.
const BACKDATE_MS = DAY_MS;
const CA_LIFETIME_MS = 10 * 365 * DAY_MS;
const SERVER_LIFETIME_MS = 365 * DAY_MS;

/** A self-signed CA certificate (CA:true, keyCertSign) with an ECDSA P-256 key. */
export async function createCertificateAuthority(
  commonName: string,
): Promise<CertificateAuthority> {
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const pems = await generate(
    [
      { name: "commonName", value: commonName },
      { name: "organizationName", value: "Mailroom Google Emulator" },
    ],
    {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: notBefore,
      notAfterDate: new Date(notBefore.getTime() + CA_LIFETIME_MS),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        {
          name: "keyUsage",
          keyCertSign: true,
          cRLSign: true,
          digitalSignature: true,
          critical: true,
        },
      ],
    },
  );
  return { certPem: pems.cert, keyPem: pems.private };
}

/**
 * A server certificate signed by `ca`, valid for `hostnames` (DNS names; IP literals become IP
 * entries) and always for 127.0.0.1 and ::1. The common name is the first hostname.
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  hostnames: string[],
): Promise<ServerCertificate> {
  const first = hostnames[0];
  if (!first) throw new Error("issueServerCertificate needs at least one hostname.");
  assertIsCa(ca.certPem);

  const ips = new Set(["127.0.0.1", "::1"]);
  const dnsNames: string[] = [];
  for (const name of hostnames) {
    if (isIP(name)) ips.add(name);
    else if (!dnsNames.includes(name)) dnsNames.push(name);
  }

  // selfsigned signs with the algorithm of the new key's type, so the server key must be of
  // the same type as the CA key (a CA loaded from disk may be RSA).
  const caKeyType = createPrivateKey(ca.keyPem).asymmetricKeyType === "rsa" ? "rsa" : "ec";
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const pems = await generate([{ name: "commonName", value: first }], {
    keyType: caKeyType,
    curve: "P-256",
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + SERVER_LIFETIME_MS),
    ca: { key: ca.keyPem, cert: ca.certPem },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...dnsNames.map((value) => ({ type: 2 as const, value })),
          ...[...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

function assertIsCa(certPem: string): void {
  const cert = new X509Certificate(certPem);
  if (!cert.ca) throw new Error("The certificate given as the CA is not a CA certificate.");
}
