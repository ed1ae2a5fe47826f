// Session tokens are stored as their SHA-256: next-auth's tokens are random UUIDs (122 bits), far
// beyond guessing, so an unsalted hash is enough, and a copy of the database opens no session.
import { createHash } from "node:crypto";

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}
