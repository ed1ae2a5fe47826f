// Runs once before the test workers start: makes a throwaway certificate authority and
// exposes it through NODE_EXTRA_CA_CERTS, which the forked workers read at start-up. Every
// emulator in the tests signs its SMTP certificate with this CA, so TLS is verified for real.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCertificateAuthority } from "../emulator/certs";

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(path.join(tmpdir(), "mailroom-test-ca-"));
  const ca = await createCertificateAuthority("Mailroom Test CA");
  writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
  writeFileSync(path.join(dir, "ca-key.pem"), ca.keyPem, { mode: 0o600 });
  process.env.NODE_EXTRA_CA_CERTS = path.join(dir, "ca.pem");
  process.env.MAILROOM_TEST_CA_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
