// Keeps the emulator's certificate authority in a directory (ca.pem, ca-key.pem), so the CA
// stays the same across runs and NODE_EXTRA_CA_CERTS can point at it once.
import { X509Certificate } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createCertificateAuthority } from "./certs";

export const CA_COMMON_NAME = "Mailroom Google Emulator CA";

export interface StoredCa {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
  /** True when this call created the CA (nothing usable was in the directory). */
  created: boolean;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function stillValid(certPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    // Renew a month early rather than let TLS fail on the day it expires.
    return cert.ca && Date.parse(cert.validTo) - Date.now() > 30 * 24 * 60 * 60 * 1000;
  } catch {
    return false;
  }
}

export async function loadOrCreateCa(dir: string): Promise<StoredCa> {
  const certFile = path.resolve(dir, "ca.pem");
  const keyFile = path.resolve(dir, "ca-key.pem");
  const [certPem, keyPem] = await Promise.all([readIfPresent(certFile), readIfPresent(keyFile)]);
  if (certPem && keyPem && stillValid(certPem)) {
    return { certPem, keyPem, certFile, keyFile, created: false };
  }

  await mkdir(path.dirname(certFile), { recursive: true });
  const ca = await createCertificateAuthority(CA_COMMON_NAME);
  await writeFile(keyFile, ca.keyPem, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(certFile, ca.certPem);
  return { ...ca, certFile, keyFile, created: true };
}
