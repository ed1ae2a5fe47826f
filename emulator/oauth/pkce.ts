// PKCE (RFC 7636): checks a code_verifier against the code_challenge of the authorization.
import { createHash, timingSafeEqual } from "node:crypto";

export function pkceChallengeFor(verifier: string, method: "S256" | "plain"): string {
  return method === "plain"
    ? verifier
    : createHash("sha256").update(verifier, "ascii").digest("base64url");
}

export function verifyPkce(challenge: string, method: "S256" | "plain", verifier: string): boolean {
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(pkceChallengeFor(verifier, method));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
