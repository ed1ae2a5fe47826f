// The API keys page's server actions: a key is made from the form (its secret returned once and
// stored only as a hash), the input is checked whatever a client posts, and a key can only be
// revoked by its owner — after which the API refuses it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { authenticateApiKey } from "../../../lib/api-keys/authenticate-api-key";
import { hashApiKeySecret } from "../../../lib/api-keys/api-key-secret";
import { db } from "../../../lib/db";
import { mockedSessionModule, session } from "../../support/mock-session";
import { seedUser } from "../../support/seed-user";
import { configureTestEnvironment } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("../../../lib/auth/session", () => mockedSessionModule);

const { createApiKeyAction, revokeApiKeyAction } =
  await import("../../../app/(dashboard)/settings/api-keys/actions");

let emu: Emulator;
let n = 0;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
});

afterAll(async () => {
  await emu.stop();
});

async function signedIn() {
  const { user, account } = await seedUser(emu, `keys${++n}@example.com`);
  session.user = { id: user.id, email: user.email, name: null };
  return { user, account };
}

function form(fields: [string, string | Blob][]): FormData {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

async function keysOf(userId: string) {
  return (await db()).apiKey.findMany({ where: { userId } });
}

describe("creating a key", () => {
  it("returns the secret once and stores only its hash, prefix and choices", async () => {
    const { user, account } = await signedIn();
    const state = await createApiKeyAction(
      {},
      form([
        ["name", "  Billing app "],
        ["permission", "send_read"],
        ["allowedFrom", account.email],
      ]),
    );
    const created = state.created!;
    expect(created.secret).toMatch(/^mr_live_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.secret.slice(0, 14));
    const [row] = await keysOf(user.id);
    expect(row).toMatchObject({
      name: "Billing app",
      permission: "send_read",
      allowedFrom: [account.email],
      prefix: created.prefix,
      secretHash: hashApiKeySecret(created.secret),
      revokedAt: null,
    });
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(14));
    expect((await authenticateApiKey(`Bearer ${created.secret}`)).userId).toBe(user.id);
    const audit = await (
      await db()
    ).auditEvent.findFirst({
      where: { userId: user.id, kind: "api_key_created" },
    });
    expect(audit?.detail).toContain("Billing app");
    expect(audit?.detail).not.toContain(created.secret);
  });

  it("refuses what the form would never send, with field errors and no key", async () => {
    const { user, account } = await signedIn();
    const base: [string, string][] = [
      ["name", "Key"],
      ["permission", "send"],
      ["allowedFrom", account.email],
    ];
    const cases: [[string, string | Blob][], string][] = [
      [
        [
          ["permission", "send"],
          ["allowedFrom", account.email],
        ],
        "name",
      ],
      [[["name", "x".repeat(101)], ...base.slice(1)], "name"],
      [[["name", "Key\u0000"], ...base.slice(1)], "name"],
      [[base[0]!, ["permission", "admin"], base[2]!], "permission"],
      [[base[0]!, base[1]!], "allowedFrom"],
      [[...base.slice(0, 2), ["allowedFrom", "someone@example.com"]], "allowedFrom"],
      [[...base, ["name", "Twice"]], "name"],
      [[base[0]!, base[1]!, ["allowedFrom", new Blob(["x"])]], "allowedFrom"],
    ];
    for (const [fields, field] of cases) {
      const state = await createApiKeyAction({}, form(fields));
      expect(state.created, JSON.stringify(fields)).toBeUndefined();
      expect(Object.keys(state.errors ?? {}), JSON.stringify(fields)).toContain(field);
    }
    const raw = createApiKeyAction as (...args: unknown[]) => Promise<{ errors?: object }>;
    expect((await raw({}, { name: "Key", permission: "send" })).errors).toBeDefined();
    expect(await keysOf(user.id)).toEqual([]);
  });
});

describe("revoking a key", () => {
  it("stops the key at once, and only its owner can do it", async () => {
    const owner = await signedIn();
    const { created } = await createApiKeyAction(
      {},
      form([
        ["name", "Cron"],
        ["permission", "send"],
        ["allowedFrom", owner.account.email],
      ]),
    );
    const key = (await keysOf(owner.user.id))[0]!;

    await signedIn(); // someone else
    expect(await revokeApiKeyAction(key.id)).toEqual({ error: "API key not found." });
    const revoke = revokeApiKeyAction as (...args: unknown[]) => Promise<unknown>;
    expect(await revoke({ not: "" })).toEqual({ error: "Not a valid id." });
    expect((await authenticateApiKey(`Bearer ${created!.secret}`)).id).toBe(key.id);

    session.user = { id: owner.user.id, email: owner.user.email, name: null };
    expect(await revokeApiKeyAction(key.id)).toEqual({});
    await expect(authenticateApiKey(`Bearer ${created!.secret}`)).rejects.toMatchObject({
      code: "unauthorized",
      message: "The API key has been revoked.",
    });
    expect((await keysOf(owner.user.id))[0]!.revokedAt).toBeInstanceOf(Date);
  });
});
