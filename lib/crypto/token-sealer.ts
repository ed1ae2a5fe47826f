// Seals OAuth tokens at rest with AES-256-GCM, each value bound to the row and column it is
// stored in. The key id travels in the ciphertext so a new key can take over while tokens
// sealed under earlier keys still open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Bound to its place: a value copied to another row or column does not open. */
const VERSION = "v2";
/** Before binding: still opened, so existing databases keep working until `npm run keys:rotate`. */
const LEGACY_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

/** Where a sealed value is stored: it opens only there. */
export interface SealPlace {
  table: string;
  column: string;
  rowId: string;
}

export interface SealedValueInfo {
  version: typeof VERSION | typeof LEGACY_VERSION;
  keyId: string;
}

export interface TokenSealer {
  /** The id of the key new values are sealed with. */
  readonly currentKeyId: string;
  /** The ids of the keys kept only for opening, in TOKEN_ENCRYPTION_OLD_KEYS order. */
  readonly oldKeyIds: readonly string[];
  seal(plaintext: string, place: SealPlace): string;
  open(sealed: string, place: SealPlace): string;
  /** The format version and key id of a sealed value, without opening it. */
  inspect(sealed: string): SealedValueInfo;
  /** Sealed in the current format with the current key: rotation has nothing to do for it. */
  isCurrent(sealed: string): boolean;
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
  const oldKeyIds: string[] = [];
  for (const k of oldKeys) {
    const key = decodeKey(k);
    const id = keyId(key);
    if (byId.has(id)) continue;
    byId.set(id, key);
    oldKeyIds.push(id);
  }

  function keyFor(id: string): Buffer {
    const key = byId.get(id);
    if (!key)
      throw new SealError(
        `sealed under an unknown key (${id}); is TOKEN_ENCRYPTION_OLD_KEYS missing it?`,
      );
    return key;
  }

  return {
    currentKeyId: currentId,
    oldKeyIds,
    seal(plaintext, place) {
      const where = placeText(place);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      // The header and the place are authenticated too: a value moved under another key id,
      // or to another row or column, fails to open.
      const header = [VERSION, currentId, placeTag(where)];
      cipher.setAAD(Buffer.from([...header, where].join(".")));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        ...header,
        iv.toString("base64url"),
        body.toString("base64url"),
        tag.toString("base64url"),
      ].join(".");
    },
    open(sealed, place) {
      const where = placeText(place);
      const parts = split(sealed);
      if (parts.version === LEGACY_VERSION) {
        return decrypt(keyFor(parts.keyId), parts, `${LEGACY_VERSION}.${parts.keyId}`);
      }
      const key = keyFor(parts.keyId);
      if (parts.placeTag !== placeTag(where))
        throw new SealError(
          `sealed token is bound to another place, not ${place.table}.${place.column} of row ${place.rowId}: it was copied here`,
        );
      return decrypt(key, parts, [VERSION, parts.keyId, parts.placeTag, where].join("."));
    },
    inspect(sealed) {
      const { version, keyId } = split(sealed);
      return { version, keyId };
    },
    isCurrent(sealed) {
      const { version, keyId } = split(sealed);
      return version === VERSION && keyId === currentId;
    },
  };
}

interface SealedParts extends SealedValueInfo {
  placeTag?: string;
  iv: Buffer;
  body: Buffer;
  tag: Buffer;
}

function split(sealed: string): SealedParts {
  const parts = sealed.split(".");
  let fields: string[];
  let placeTag: string | undefined;
  if (parts[0] === LEGACY_VERSION && parts.length === 5) {
    fields = parts;
  } else if (parts[0] === VERSION && parts.length === 6) {
    placeTag = parts[2];
    fields = [parts[0], parts[1]!, ...parts.slice(3)];
  } else {
    throw new SealError("not a sealed token");
  }
  const [version, id, ivText, bodyText, tagText] = fields as [
    typeof VERSION | typeof LEGACY_VERSION,
    string,
    string,
    string,
    string,
  ];
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new SealError("sealed token is malformed");
  return { version, keyId: id, placeTag, iv, body: Buffer.from(bodyText, "base64url"), tag };
}

function decrypt(key: Buffer, parts: SealedParts, aad: string): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, parts.iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.body), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("sealed token failed authentication (tampered, or the wrong key)");
  }
}

/** "Account.refreshTokenSealed.<row id>": names are checked so the text has one reading. */
function placeText(place: SealPlace | undefined): string {
  if (!place || !NAME.test(place.table) || !NAME.test(place.column) || !place.rowId)
    throw new SealError("a sealed token needs its place: a table, a column and a row id");
  return `${place.table}.${place.column}.${place.rowId}`;
}

/**
 * A short digest of the place, in the clear, so a value copied from elsewhere is told apart
 * from a tampered one. It proves nothing by itself: the place in the AAD does the binding.
 */
function placeTag(where: string): string {
  return createHash("sha256").update(where).digest("base64url").slice(0, 11);
}

function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new SealError("encryption keys must be 32 bytes");
  return key;
}
