// `npm run keys:rotate`: old keys and v1 values end under the current key in v2, a concurrent
// refresh is not overwritten, and a token that opens with no key stops it before any write.
import { spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  describeRotation,
  rotateSealedTokens,
  RotationError,
} from "../../lib/crypto/rotate-sealed-tokens";
import {
  accountTokenPlace,
  SEALED_ACCOUNT_COLUMNS,
  type SealedAccountColumn,
} from "../../lib/crypto/sealed-columns";
import { createTokenSealer, keyId, type TokenSealer } from "../../lib/crypto/token-sealer";
import { openDb, type Db } from "../../lib/db";
import { createTestDatabase } from "../support/test-app-env";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const newKey = () => randomBytes(32).toString("base64");
const idOf = (key: string) => keyId(Buffer.from(key, "base64"));

const open: Db[] = [];
afterEach(async () => {
  for (const prisma of open.splice(0)) await prisma.$disconnect();
});

async function freshDb(): Promise<{ prisma: Db; url: string }> {
  const { url } = createTestDatabase();
  const prisma = await openDb(url);
  open.push(prisma);
  return { prisma, url };
}

/** The first release's format (no place in the AAD), as older databases still hold it. */
function sealV1(key: string, plaintext: string): string {
  const raw = Buffer.from(key, "base64");
  const id = keyId(raw);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", raw, iv);
  cipher.setAAD(Buffer.from(`v1.${id}`));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", id, iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

type Sealing = (plaintext: string, accountId: string, column: SealedAccountColumn) => string;
const sealedWith =
  (sealer: TokenSealer): Sealing =>
  (plaintext, accountId, column) =>
    sealer.seal(plaintext, accountTokenPlace(accountId, column));
const legacyWith =
  (key: string): Sealing =>
  (plaintext) =>
    sealV1(key, plaintext);

/**
 * An account whose tokens are "refresh-<email>" and "access-<email>" (and, with `appPassword`,
 * its app password "app-<email>"), sealed by `seal`.
 */
async function seedAccount(
  prisma: Db,
  email: string,
  seal: Sealing,
  options: { accessToken?: boolean; appPassword?: boolean } = {},
): Promise<string> {
  const user = await prisma.user.create({ data: { email } });
  const { id } = await prisma.account.create({
    data: { userId: user.id, provider: "google", providerAccountId: `sub-${email}`, email },
  });
  await prisma.account.update({
    where: { id },
    data: {
      refreshTokenSealed: seal(`refresh-${email}`, id, "refreshTokenSealed"),
      accessTokenSealed:
        options.accessToken === false ? null : seal(`access-${email}`, id, "accessTokenSealed"),
      appPasswordSealed: options.appPassword ? seal(`app-${email}`, id, "appPasswordSealed") : null,
    },
  });
  return id;
}

async function storedValues(prisma: Db) {
  return prisma.account.findMany({
    select: {
      id: true,
      email: true,
      refreshTokenSealed: true,
      accessTokenSealed: true,
      appPasswordSealed: true,
    },
    orderBy: { id: "asc" },
  });
}

const PREFIX = {
  refreshTokenSealed: "refresh",
  accessTokenSealed: "access",
  appPasswordSealed: "app",
} as const;

/** Every token and app password opens with `sealer` at its place, is current, and is what was seeded. */
async function expectAllCurrent(prisma: Db, sealer: TokenSealer) {
  for (const row of await storedValues(prisma)) {
    for (const column of SEALED_ACCOUNT_COLUMNS) {
      const sealed = row[column];
      if (sealed === null) continue;
      expect(sealed).toMatch(new RegExp(`^v2\\.${sealer.currentKeyId}\\.`));
      const expected = `${PREFIX[column]}-${row.email}`;
      expect(sealer.open(sealed, accountTokenPlace(row.id, column))).toBe(expected);
    }
  }
}

describe("rotating the token encryption key", () => {
  it("re-seals old-key and v1 tokens under the new key, bound to their place; the old key can then go", async () => {
    const { prisma } = await freshDb();
    const oldKey = newKey();
    const currentKey = newKey();
    await seedAccount(prisma, "old-key@example.com", sealedWith(createTokenSealer(oldKey)), {
      appPassword: true,
    });
    await seedAccount(prisma, "v1-old-key@example.com", legacyWith(oldKey));
    // An install that never rotated: v1 under the key that is still current.
    await seedAccount(prisma, "v1-current@example.com", legacyWith(currentKey), {
      accessToken: false,
    });
    await seedAccount(prisma, "current@example.com", sealedWith(createTokenSealer(currentKey)));

    const report = await rotateSealedTokens(prisma, createTokenSealer(currentKey, [oldKey]), {
      batchSize: 2,
    });

    // The app password is re-sealed with the tokens.
    expect(report).toMatchObject({ resealed: 6, accounts: 3, remaining: {} });
    expect(report.removableKeyIds).toEqual([idOf(oldKey)]);
    expect(describeRotation(report)).toBe(
      `Re-sealed 6 tokens in 3 accounts with key ${idOf(currentKey)}; tokens still under old keys: 0 — you can now remove key ${idOf(oldKey)} from TOKEN_ENCRYPTION_OLD_KEYS.`,
    );
    // With the old key removed, everything still opens.
    await expectAllCurrent(prisma, createTokenSealer(currentKey));

    const events = await prisma.auditEvent.findMany({ where: { kind: "keys_rotated" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ userId: null });
    expect(events[0]!.detail).toContain("Re-sealed 6 tokens in 3 accounts");
  });

  it("is safe to run twice: the second run changes nothing and records nothing", async () => {
    const { prisma } = await freshDb();
    const oldKey = newKey();
    const sealer = createTokenSealer(newKey(), [oldKey]);
    await seedAccount(prisma, "twice@example.com", legacyWith(oldKey));
    await rotateSealedTokens(prisma, sealer);
    const after = await storedValues(prisma);

    const second = await rotateSealedTokens(prisma, sealer);

    expect(second).toMatchObject({ resealed: 0, accounts: 0, remaining: {} });
    expect(await storedValues(prisma)).toEqual(after);
    expect(await prisma.auditEvent.count({ where: { kind: "keys_rotated" } })).toBe(1);
  });

  it("keeps a token a refresh stored between its read and its write", async () => {
    const { prisma } = await freshDb();
    const oldKey = newKey();
    const sealer = createTokenSealer(newKey(), [oldKey]);
    const id = await seedAccount(prisma, "busy@example.com", sealedWith(createTokenSealer(oldKey)));
    const refreshed = sealer.seal("access-refreshed", accountTokenPlace(id, "accessTokenSealed"));

    const report = await rotateSealedTokens(prisma, sealer, {
      afterRead: async () => {
        await prisma.account.update({ where: { id }, data: { accessTokenSealed: refreshed } });
      },
    });

    const row = await prisma.account.findUniqueOrThrow({ where: { id } });
    expect(row.accessTokenSealed).toBe(refreshed);
    expect(sealer.isCurrent(row.refreshTokenSealed!)).toBe(true);
    expect(sealer.open(row.refreshTokenSealed!, accountTokenPlace(id, "refreshTokenSealed"))).toBe(
      "refresh-busy@example.com",
    );
    // Only the refresh token was the rotation's to write; the new access token was the refresh's.
    expect(report).toMatchObject({ resealed: 1, accounts: 1, remaining: {} });
  });

  it("reports, and keeps the old key, when a process still seals with it during the run", async () => {
    const { prisma } = await freshDb();
    const oldKey = newKey();
    const old = createTokenSealer(oldKey);
    const sealer = createTokenSealer(newKey(), [oldKey]);
    const first = await seedAccount(prisma, "first@example.com", sealedWith(old));
    await seedAccount(prisma, "second@example.com", sealedWith(old));

    const report = await rotateSealedTokens(prisma, sealer, {
      batchSize: 1,
      // While the second batch runs, a process on the old configuration refreshes the first.
      afterRead: async (ids) => {
        if (ids.includes(first)) return;
        const accessTokenSealed = old.seal(
          "access-first@example.com",
          accountTokenPlace(first, "accessTokenSealed"),
        );
        await prisma.account.update({ where: { id: first }, data: { accessTokenSealed } });
      },
    });

    expect(report).toMatchObject({ resealed: 4, remaining: { [old.currentKeyId]: 1 } });
    expect(report.removableKeyIds).toEqual([]);
    expect(describeRotation(report)).toContain(
      `tokens still under old keys or unbound: 1 (key ${old.currentKeyId}: 1)`,
    );
    expect(describeRotation(report)).not.toContain("you can now remove");
  });

  it("stops before writing anything when a token was tampered with, or copied from another row", async () => {
    const { prisma } = await freshDb();
    const oldKey = newKey();
    const old = createTokenSealer(oldKey);
    await seedAccount(prisma, "fine@example.com", sealedWith(old));
    const tampered = await seedAccount(prisma, "tampered@example.com", sealedWith(old));
    const victim = await seedAccount(prisma, "victim@example.com", sealedWith(old));
    const thief = await seedAccount(prisma, "thief@example.com", sealedWith(old));
    const parts = (
      await prisma.account.findUniqueOrThrow({ where: { id: tampered } })
    ).accessTokenSealed!.split(".");
    const body = Buffer.from(parts[4]!, "base64url");
    body[0] = body[0]! ^ 0x01;
    parts[4] = body.toString("base64url");
    const stolen = (await prisma.account.findUniqueOrThrow({ where: { id: victim } }))
      .refreshTokenSealed;
    await prisma.account.update({
      where: { id: tampered },
      data: { accessTokenSealed: parts.join(".") },
    });
    await prisma.account.update({ where: { id: thief }, data: { refreshTokenSealed: stolen } });
    const before = await storedValues(prisma);

    const error = await rotateSealedTokens(prisma, createTokenSealer(newKey(), [oldKey]), {
      batchSize: 1,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RotationError);
    const failure = error as RotationError;
    expect(failure.message).toBe(
      "2 tokens cannot be opened with any configured key; nothing was re-sealed.",
    );
    expect(failure.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          accountId: tampered,
          column: "accessTokenSealed",
          reason: expect.stringMatching(/tampered/) as string,
        }),
        expect.objectContaining({
          accountId: thief,
          column: "refreshTokenSealed",
          reason: expect.stringMatching(/bound to another place/) as string,
        }),
      ]),
    );
    expect(await storedValues(prisma)).toEqual(before);
    expect(await prisma.auditEvent.count()).toBe(0);
  });
});

describe("npm run keys:rotate", () => {
  function runCommand(env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/keys-rotate.ts"],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH,
          CHECKPOINT_DISABLE: "1",
          NODE_ENV: "test",
          NEXTAUTH_URL: "http://localhost:3000",
          NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
          GOOGLE_CLIENT_ID: "client-id",
          GOOGLE_CLIENT_SECRET: "client-secret",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once("exit", (code) => resolve({ code, stdout, stderr })),
    );
  }

  it("re-seals with the configured key and says which old key can go", async () => {
    const { prisma, url } = await freshDb();
    const oldKey = newKey();
    const currentKey = newKey();
    await seedAccount(prisma, "cli@example.com", legacyWith(oldKey));

    const result = await runCommand({
      DATABASE_URL: url,
      TOKEN_ENCRYPTION_KEY: currentKey,
      TOKEN_ENCRYPTION_OLD_KEYS: oldKey,
    });

    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(
      `Re-sealed 2 tokens in 1 account with key ${idOf(currentKey)}; tokens still under old keys: 0 — you can now remove key ${idOf(oldKey)} from TOKEN_ENCRYPTION_OLD_KEYS.`,
    );
    expect(result.code).toBe(0);
    await expectAllCurrent(prisma, createTokenSealer(currentKey));
  }, 60_000);

  it("exits non-zero, naming the account and column, when a token opens with no configured key", async () => {
    const { prisma, url } = await freshDb();
    const lostKey = newKey();
    const id = await seedAccount(prisma, "lost@example.com", legacyWith(lostKey));
    const before = await storedValues(prisma);

    const result = await runCommand({ DATABASE_URL: url, TOKEN_ENCRYPTION_KEY: newKey() });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      "keys:rotate: 2 tokens cannot be opened with any configured key; nothing was re-sealed.",
    );
    expect(result.stderr).toContain(
      `account ${id} (lost@example.com), refreshTokenSealed: sealed under an unknown key (${idOf(lostKey)})`,
    );
    expect(result.stderr).not.toContain("refresh-lost@example.com");
    expect(await storedValues(prisma)).toEqual(before);
  }, 60_000);
});
