// The CA made by tests/global-setup.ts, for emulators started inside tests.
import { readFileSync } from "node:fs";
import path from "node:path";

export function testCa(): { certPem: string; keyPem: string } {
  const dir = process.env.MAILROOM_TEST_CA_DIR;
  if (!dir)
    throw new Error("MAILROOM_TEST_CA_DIR is unset: run the tests through vitest (npm test).");
  return {
    certPem: readFileSync(path.join(dir, "ca.pem"), "utf8"),
    keyPem: readFileSync(path.join(dir, "ca-key.pem"), "utf8"),
  };
}
