import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenSealer, keyId, SealError } from "../../lib/crypto/token-sealer";

const key = () => randomBytes(32).toString("base64");

describe("token sealer", () => {
  it("round-trips a token and never contains the plaintext", () => {
    const sealer = createTokenSealer(key());
    const sealed = sealer.seal("1//refresh-token-value");
    expect(sealed).not.toContain("refresh-token-value");
    expect(sealer.open(sealed)).toBe("1//refresh-token-value");
  });

  it("uses a fresh IV each time", () => {
    const sealer = createTokenSealer(key());
    expect(sealer.seal("same")).not.toBe(sealer.seal("same"));
  });

  it("rejects a tampered ciphertext", () => {
    const sealer = createTokenSealer(key());
    const parts = sealer.seal("secret-token").split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 0xff;
    parts[3] = body.toString("base64url");
    expect(() => sealer.open(parts.join("."))).toThrow(SealError);
    expect(() => sealer.open(parts.join("."))).toThrow(/tampered/);
  });

  it("rejects a value moved under another key id", () => {
    const a = key();
    const b = key();
    const sealer = createTokenSealer(a, [b]);
    const parts = sealer.seal("x").split(".");
    parts[1] = keyId(Buffer.from(b, "base64"));
    expect(() => sealer.open(parts.join("."))).toThrow(SealError);
  });

  it("opens tokens sealed under an old key after rotation, and refuses unknown keys", () => {
    const oldKey = key();
    const sealedOld = createTokenSealer(oldKey).seal("old-token");
    const rotated = createTokenSealer(key(), [oldKey]);
    expect(rotated.open(sealedOld)).toBe("old-token");
    expect(rotated.seal("new").split(".")[1]).not.toBe(sealedOld.split(".")[1]);
    expect(() => createTokenSealer(key()).open(sealedOld)).toThrow(/unknown key/);
  });

  it("rejects garbage", () => {
    expect(() => createTokenSealer(key()).open("plaintext-token")).toThrow(SealError);
  });
});
