// Seals OAuth tokens at rest with AES-256-GCM. The key id travels in the ciphertext so a new
// key can take over while tokens sealed under earlier keys still open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

export interface TokenSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** A key's id: the first 8 hex digits of its SHA-256, so ids need no separate bookkeeping. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * @param currentKey base64 of 32 bytes; seals new values.
 * @param oldKeys base64 keys still accepted for opening values sealed before a rotation.
 */
export function createTokenSealer(
  currentKey: string,
  oldKeys: readonly string[] = [],
): TokenSealer {
  const current = decodeKey(currentKey);
  const currentId = keyId(current);
  const byId = new Map<string, Buffer>([[currentId, current]]);
  for (const k of oldKeys) {
    const key = decodeKey(k);
    byId.set(keyId(key), key);
  }

  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      // The header is authenticated too, so a value cannot be moved under another key id.
      cipher.setAAD(Buffer.from(`${VERSION}.${currentId}`));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        currentId,
        iv.toString("base64url"),
        body.toString("base64url"),
        tag.toString("base64url"),
      ].join(".");
    },
    open(sealed) {
      const parts = sealed.split(".");
      if (parts.length !== 5 || parts[0] !== VERSION) throw new SealError("not a sealed token");
      const [version, id, ivText, bodyText, tagText] = parts as [
        string,
        string,
        string,
        string,
        string,
      ];
      const key = byId.get(id);
      if (!key)
        throw new SealError(
          `sealed under an unknown key (${id}); is TOKEN_ENCRYPTION_OLD_KEYS missing it?`,
        );
      const iv = Buffer.from(ivText, "base64url");
      const tag = Buffer.from(tagText, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
        throw new SealError("sealed token is malformed");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(Buffer.from(`${version}.${id}`));
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(Buffer.from(bodyText, "base64url")),
          decipher.final(),
        ]).toString("utf8");
      } catch {
        throw new SealError("sealed token failed authentication (tampered, or the wrong key)");
      }
    },
  };
}

function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new SealError("encryption keys must be 32 bytes");
  return key;
}
