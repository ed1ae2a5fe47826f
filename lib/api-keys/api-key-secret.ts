// An API key's secret: "mr_live_" and 32 random bytes in base64url. Mailroom keeps only its SHA-256
// (the secret has 256 bits of entropy, so an unsalted hash cannot be searched) and its first
// characters, which the list shows and which find the row without comparing secrets in a query.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const SECRET_PREFIX = "mr_live_";
const SECRET_SHAPE = /^mr_live_[A-Za-z0-9_-]{43}$/;
/** "mr_live_" and 6 characters (36 bits) of the random part. */
const VISIBLE_LENGTH = SECRET_PREFIX.length + 6;

export function newApiKeySecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64url");
}

export function isApiKeySecret(value: string): boolean {
  return SECRET_SHAPE.test(value);
}

export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("base64url");
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE_LENGTH);
}

/** Compares two hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
