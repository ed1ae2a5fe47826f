import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { accountTokenPlace } from "../../lib/crypto/sealed-columns";
import { createTokenSealer, keyId, SealError, type SealPlace } from "../../lib/crypto/token-sealer";

const key = () => randomBytes(32).toString("base64");
const refreshOf = (rowId: string) => accountTokenPlace(rowId, "refreshTokenSealed");
const here = refreshOf("acc_1");

/** Sealed by the first release (format v1, no place) with LEGACY_KEY: what older databases hold. */
const LEGACY_KEY = Buffer.alloc(32, 7).toString("base64");
const LEGACY_SEALED =
  "v1.4bb06f8e.8q7XDBWoGU3lMIso.NTU6mzgrLWqw07ElumNcGyKPxNdA_DY.OUvSjEwXLwtOHhxe4SX-QA";

describe("token sealer", () => {
  it("round-trips a token and never contains the plaintext", () => {
    const sealer = createTokenSealer(key());
    const sealed = sealer.seal("1//refresh-token-value", here);
    expect(sealed).not.toContain("refresh-token-value");
    expect(sealed).toMatch(/^v2\./);
    expect(sealer.open(sealed, here)).toBe("1//refresh-token-value");
  });

  it("uses a fresh IV each time", () => {
    const sealer = createTokenSealer(key());
    expect(sealer.seal("same", here)).not.toBe(sealer.seal("same", here));
  });

  it("rejects a tampered ciphertext", () => {
    const sealer = createTokenSealer(key());
    const parts = sealer.seal("secret-token", here).split(".");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0] = body[0]! ^ 0xff;
    parts[4] = body.toString("base64url");
    expect(() => sealer.open(parts.join("."), here)).toThrow(SealError);
    expect(() => sealer.open(parts.join("."), here)).toThrow(/tampered/);
  });

  it("rejects a value moved under another key id", () => {
    const a = key();
    const b = key();
    const sealer = createTokenSealer(a, [b]);
    const parts = sealer.seal("x", here).split(".");
    parts[1] = keyId(Buffer.from(b, "base64"));
    expect(() => sealer.open(parts.join("."), here)).toThrow(SealError);
  });

  it("opens tokens sealed under an old key after rotation, and refuses unknown keys", () => {
    const oldKey = key();
    const sealedOld = createTokenSealer(oldKey).seal("old-token", here);
    const rotated = createTokenSealer(key(), [oldKey]);
    expect(rotated.open(sealedOld, here)).toBe("old-token");
    expect(rotated.seal("new", here).split(".")[1]).not.toBe(sealedOld.split(".")[1]);
    expect(() => createTokenSealer(key()).open(sealedOld, here)).toThrow(/unknown key/);
  });

  it("rejects garbage", () => {
    expect(() => createTokenSealer(key()).open("plaintext-token", here)).toThrow(SealError);
  });
});

describe("binding a sealed token to its row and column", () => {
  const sealer = createTokenSealer(key());

  it("does not open a value copied to another account's row", () => {
    const sealed = sealer.seal("1//owner-refresh-token", refreshOf("acc_owner"));
    expect(() => sealer.open(sealed, refreshOf("acc_intruder"))).toThrow(/bound to another place/);
  });

  it("does not open a value copied to another column of the same row", () => {
    const sealed = sealer.seal("1//refresh", accountTokenPlace("acc_1", "refreshTokenSealed"));
    expect(() => sealer.open(sealed, accountTokenPlace("acc_1", "accessTokenSealed"))).toThrow(
      /bound to another place/,
    );
  });

  it("authenticates the place itself: a forged place tag still fails to open", () => {
    const sealed = sealer.seal("1//owner-refresh-token", refreshOf("acc_owner"));
    const forged = sealer.seal("anything", refreshOf("acc_intruder")).split(".")[2]!;
    const parts = sealed.split(".");
    parts[2] = forged;
    expect(() => sealer.open(parts.join("."), refreshOf("acc_intruder"))).toThrow(/tampered/);
  });

  it("keeps places apart even when ids contain the separator", () => {
    const a: SealPlace = { table: "Account", column: "refreshTokenSealed", rowId: "x.y" };
    const b: SealPlace = { table: "Account", column: "refreshTokenSealed", rowId: "x" };
    expect(() => sealer.open(sealer.seal("t", a), b)).toThrow(SealError);
    expect(() =>
      sealer.seal("t", { table: "Account.refreshTokenSealed", column: "x", rowId: "y" }),
    ).toThrow(/needs its place/);
  });

  it("refuses to seal or open without a place", () => {
    const sealed = sealer.seal("t", here);
    // @ts-expect-error a call without its place does not compile
    expect(() => sealer.seal("t")).toThrow(/needs its place/);
    // @ts-expect-error a call without its place does not compile
    expect(() => sealer.open(sealed)).toThrow(/needs its place/);
    expect(() => sealer.open(sealed, { ...here, rowId: "" })).toThrow(/needs its place/);
  });

  it("still opens v1 values written before binding, wherever they are asked for", () => {
    const sealer = createTokenSealer(key(), [LEGACY_KEY]);
    expect(sealer.open(LEGACY_SEALED, refreshOf("any-row"))).toBe("1//legacy-refresh-token");
    expect(sealer.inspect(LEGACY_SEALED)).toEqual({ version: "v1", keyId: "4bb06f8e" });
    expect(sealer.isCurrent(LEGACY_SEALED)).toBe(false);
  });

  it("calls a value current only in v2 under the current key", () => {
    const oldKey = key();
    const old = createTokenSealer(oldKey);
    const rotated = createTokenSealer(key(), [oldKey]);
    expect(rotated.isCurrent(old.seal("t", here))).toBe(false);
    expect(rotated.isCurrent(rotated.seal("t", here))).toBe(true);
    expect(rotated.oldKeyIds).toEqual([old.currentKeyId]);
  });
});
