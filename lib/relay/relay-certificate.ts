// The SMTP relay's TLS certificate: the operator's (RELAY_TLS_CERT / RELAY_TLS_KEY), else a
// self-signed one Mailroom generates once and keeps in data/relay-tls/relay.pem (key and
// certificate in one file, so replacing it is one atomic rename). A generated certificate is
// made again a month before it expires or when it no longer names the relay's host; its SHA-256
// fingerprint, which the dashboard shows, is what clients compare or pin.
import "server-only";
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { generate } from "selfsigned";

export interface RelayCertificate {
  certPem: string;
  keyPem: string;
  /** "AB:CD:…", as `openssl x509 -fingerprint -sha256` and mail clients show it. */
  fingerprint256: string;
  validTo: Date;
  /** Made by Mailroom (self-signed) rather than given by the operator. */
  generated: boolean;
  /** Where it is kept. */
  file: string;
}

/** Where Mailroom keeps the certificate it generates (relative to the working directory). */
export const GENERATED_DIR = path.join("data", "relay-tls");
const FILE_NAME = "relay.pem";
const DAY_MS = 24 * 60 * 60 * 1000;
// 825 days: the longest validity Apple's clients accept for a TLS server certificate.
const LIFETIME_MS = 825 * DAY_MS;
const RENEW_BEFORE_MS = 30 * DAY_MS;

export async function relayCertificate(options: {
  /** RELAY_TLS_CERT and RELAY_TLS_KEY, when the operator gives a certificate. */
  certFile?: string;
  keyFile?: string;
  /** The host clients connect to (NEXTAUTH_URL's), named in a generated certificate. */
  hostname: string;
  /** Where a generated certificate is kept (default GENERATED_DIR). */
  dir?: string;
}): Promise<RelayCertificate> {
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    return configuredCertificate(options.certFile, options.keyFile);
  }
  const file = path.resolve(options.dir ?? GENERATED_DIR, FILE_NAME);
  const kept = await readKept(file);
  if (kept !== undefined && kept !== "damaged" && usable(kept, options.hostname)) return kept;

  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const fresh = await generateCertificate(options.hostname);
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, fresh.keyPem + fresh.certPem, { mode: 0o600 });
  try {
    if (kept !== undefined) {
      // Stale or damaged: replaced in one step, so a reader sees the old file or the new one.
      await rename(temporary, file);
    } else {
      // First start: another process starting at the same moment may have made one already;
      // link() fails then, and everyone uses the one that was there first.
      await link(temporary, file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
    }
  } finally {
    await rm(temporary, { force: true });
  }
  const stored = await readKept(file);
  if (stored === undefined || stored === "damaged") {
    throw new Error(`The relay's certificate in ${file} could not be read back.`);
  }
  return stored;
}

async function configuredCertificate(certFile: string, keyFile: string): Promise<RelayCertificate> {
  const read = (variable: string, file: string) =>
    readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${variable}: cannot read ${file} (${error.code ?? error.message}).`);
    });
  const [certPem, keyPem] = await Promise.all([
    read("RELAY_TLS_CERT", certFile),
    read("RELAY_TLS_KEY", keyFile),
  ]);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new Error(`RELAY_TLS_CERT: ${certFile} is not a PEM certificate.`);
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw new Error(`RELAY_TLS_KEY: ${keyFile} is not a PEM private key.`);
  }
  if (!matches) {
    throw new Error(`RELAY_TLS_KEY: ${keyFile} is not the key of the certificate in ${certFile}.`);
  }
  return {
    certPem,
    keyPem,
    fingerprint256: cert.fingerprint256,
    validTo: new Date(cert.validTo),
    generated: false,
    file: path.resolve(certFile),
  };
}

/** The kept certificate; undefined when there is none, "damaged" when it does not open. */
async function readKept(file: string): Promise<RelayCertificate | "damaged" | undefined> {
  let pem: string;
  try {
    pem = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    // Node reads the block of the kind it asks for from a file holding both.
    const cert = new X509Certificate(pem);
    const key = createPrivateKey(pem);
    if (!cert.checkPrivateKey(key)) return "damaged";
    const certPem = cert.toString();
    return {
      certPem,
      keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
      fingerprint256: cert.fingerprint256,
      validTo: new Date(cert.validTo),
      generated: true,
      file,
    };
  } catch {
    // E.g. a half-copied data directory: made again.
    return "damaged";
  }
}

function usable(certificate: RelayCertificate, hostname: string): boolean {
  const cert = new X509Certificate(certificate.certPem);
  const names = isIP(hostname) ? cert.checkIP(hostname) : cert.checkHost(hostname);
  return names !== undefined && certificate.validTo.getTime() - Date.now() > RENEW_BEFORE_MS;
}

async function generateCertificate(hostname: string): Promise<{ certPem: string; keyPem: string }> {
  const ips = new Set(["127.0.0.1", "::1"]);
  const dnsNames = new Set<string>();
  for (const name of [hostname, "localhost"]) {
    if (isIP(name)) ips.add(name);
    else dnsNames.add(name.toLowerCase());
  }
  // Backdated a day, for clients whose clock runs a little behind.
  const notBefore = new Date(Date.now() - DAY_MS);
  const pems = await generate([{ name: "commonName", value: hostname }], {
    // RSA: the key type every SMTP client, old printers included, can use.
    keyType: "rsa",
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + LIFETIME_MS),
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          ...[...dnsNames].map((value) => ({ type: 2 as const, value })),
          ...[...ips].map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}
