// next-auth's callbacks and storage as Mailroom configures them: who may sign in, what may be
// linked, sessions stored as hashes, and the audit events each of these writes.
import { randomUUID } from "node:crypto";
import type { Account } from "next-auth";
import type { AdapterAccount } from "next-auth/adapters";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { buildAuthOptions } from "../../lib/auth/auth-options";
import { mailroomAdapter } from "../../lib/auth/prisma-adapter";
import { saveGoogleTokens } from "../../lib/auth/save-google-tokens";
import { hashSessionToken } from "../../lib/auth/session-token";
import { db } from "../../lib/db";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

// The request next-auth's callbacks run in: its cookies and headers.
const request = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("next/headers", () => ({
  cookies: () =>
    Promise.resolve({
      get: (name: string) => {
        const value = request.cookies.get(name);
        return value === undefined ? undefined : { name, value };
      },
    }),
  headers: () =>
    Promise.resolve(new Headers({ "x-forwarded-for": "203.0.113.7", "user-agent": "TestAgent/1" })),
}));

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  process.env.ALLOWED_DOMAINS = "example.com";
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => request.cookies.clear());

function googleAccount(sub: string): Account {
  return {
    provider: "google",
    type: "oauth",
    providerAccountId: sub,
    access_token: "ya29.test",
    refresh_token: "1//test",
    scope: "openid email profile https://mail.google.com/",
  };
}

async function signIn(sub: string, profile: { email: string; email_verified: boolean }) {
  const options = buildAuthOptions(await db());
  return options.callbacks!.signIn!({
    user: { id: sub, email: String(profile.email) },
    account: googleAccount(sub),
    profile,
  });
}

async function auditOf(kind: string, email: string) {
  const prisma = await db();
  return prisma.auditEvent.findMany({ where: { kind, email } });
}

describe("who may sign in", () => {
  it("refuses an address Google has not verified, and audits why", async () => {
    const email = "unverified@example.com";
    expect(await signIn("sub-unverified", { email, email_verified: false })).toBe(
      "/?error=EmailNotVerified",
    );
    const [event] = await auditOf("sign_in_refused", email);
    expect(event?.detail).toMatch(/not verified/);
    expect(event).toMatchObject({ ip: "203.0.113.7", userAgent: "TestAgent/1" });
  });

  it("refuses an address outside ALLOWED_EMAILS / ALLOWED_DOMAINS", async () => {
    const email = "eve@evil.test";
    expect(await signIn("sub-eve", { email, email_verified: true })).toBe("/?error=NotAllowed");
    expect(await auditOf("sign_in_refused", email)).toHaveLength(1);
  });

  it("lets in a verified, allowed address", async () => {
    expect(await signIn("sub-ok", { email: "ok@example.com", email_verified: true })).toBe(true);
  });
});

describe("linking a Google account during a session", () => {
  it("refuses another Google account while a user is signed in, and audits it", async () => {
    const { user } = await seedUser(emu, "owner.link@example.com");
    const token = randomUUID();
    const prisma = await db();
    await prisma.session.create({
      data: {
        tokenHash: hashSessionToken(token),
        userId: user.id,
        expires: new Date(Date.now() + 3_600_000),
      },
    });
    request.cookies.set("next-auth.session-token", token);

    const result = await signIn("sub-attacker", {
      email: "attacker@example.com",
      email_verified: true,
    });
    expect(result).toBe("/?error=AccountLinkRefused");
    const [event] = await auditOf("account_link_refused", "attacker@example.com");
    expect(event?.userId).toBe(user.id);
    expect(await prisma.account.count({ where: { userId: user.id } })).toBe(1);

    // The user's own Google account may come back (a reconnect).
    expect(
      await signIn(`sub-owner.link@example.com`, {
        email: "owner.link@example.com",
        email_verified: true,
      }),
    ).toBe(true);
  });

  it("the adapter refuses a second Google account for one user even past the callback", async () => {
    const { user } = await seedUser(emu, "single@example.com");
    const adapter = mailroomAdapter(await db());
    const second: AdapterAccount = {
      userId: user.id,
      provider: "google",
      type: "oauth",
      providerAccountId: "sub-second",
    };
    const link = adapter.linkAccount as (account: AdapterAccount) => Promise<unknown>;
    await expect(link(second)).rejects.toThrow(/second Google account/);
    const prisma = await db();
    expect(await prisma.account.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("sessions", () => {
  it("stores only a hash of the token; the hash itself opens nothing", async () => {
    const { user } = await seedUser(emu, "session@example.com");
    const prisma = await db();
    const adapter = mailroomAdapter(prisma);
    const token = randomUUID();
    const expires = new Date(Date.now() + 3_600_000);
    const created = await adapter.createSession!({ sessionToken: token, userId: user.id, expires });
    expect(created.sessionToken).toBe(token);

    const rows = await prisma.session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token);

    expect((await adapter.getSessionAndUser!(token))?.user.email).toBe("session@example.com");
    expect(await adapter.getSessionAndUser!(rows[0]!.tokenHash)).toBeNull();
    expect(await auditOf("sign_in", "session@example.com")).toHaveLength(1);

    await adapter.deleteSession!(token);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditOf("sign_out", "session@example.com")).toHaveLength(1);
  });
});

describe("the user's address follows Google's", () => {
  it("renames the user when Google reports a new address for the same account", async () => {
    const { user, account } = await seedUser(emu, "old.name@example.com");
    const prisma = await db();
    await saveGoogleTokens(
      prisma,
      { provider: "google", providerAccountId: account.providerAccountId, access_token: "x" },
      { email: "New.Name@example.com" },
    );
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(
      "new.name@example.com",
    );
    expect((await prisma.account.findUniqueOrThrow({ where: { id: account.id } })).email).toBe(
      "new.name@example.com",
    );
  });

  it("carries the new address into the From list of the user's API keys", async () => {
    const { user, account } = await seedUser(emu, "before.rename@example.com");
    const prisma = await db();
    const key = (from: string[]) =>
      prisma.apiKey.create({
        data: {
          userId: user.id,
          name: from.join(","),
          permission: "send",
          allowedFrom: from,
          secretHash: `hash-${from.join(",")}-${user.id}`,
          prefix: "mr_live_abcd",
        },
      });
    const own = await key(["before.rename@example.com", "alias@example.com"]);
    const aliasOnly = await key(["alias@example.com"]);
    await saveGoogleTokens(
      prisma,
      { provider: "google", providerAccountId: account.providerAccountId, access_token: "x" },
      { email: "after.rename@example.com" },
    );
    const allowed = async (id: string) =>
      (await prisma.apiKey.findUniqueOrThrow({ where: { id } })).allowedFrom;
    expect(await allowed(own.id)).toEqual(["after.rename@example.com", "alias@example.com"]);
    expect(await allowed(aliasOnly.id)).toEqual(["alias@example.com"]);
  });
});
