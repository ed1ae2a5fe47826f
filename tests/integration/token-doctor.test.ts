// The token doctor against the emulator: when Google refuses a revoked refresh token with
// invalid_grant, Mailroom names the likely cause from when consent was given and when the token
// was last used, stores it with the pause, infers a Testing app from a death 7 days after consent
// (and forgets it when a token outlives 7 days), and counts down to each account's expiry.
import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type { AuthOptions } from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { buildAuthOptions } from "../../lib/auth/auth-options";
import { saveGoogleTokens } from "../../lib/auth/save-google-tokens";
import { db } from "../../lib/db";
import { getAccountStatus } from "../../lib/diagnostics/account-status";
import { getTokenWarning } from "../../lib/diagnostics/token-warning";
import { env } from "../../lib/env";
import { getAccessToken, ReconnectNeededError } from "../../lib/google/access-token";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

// next-auth's framework-free core, which its route handler calls (not in the package's exports).
const { AuthHandler } = createRequire(import.meta.url)(
  path.join(import.meta.dirname, "../../node_modules/next-auth/core/index.js"),
) as {
  AuthHandler: (params: {
    req: Record<string, unknown>;
    options: AuthOptions;
  }) => Promise<{ redirect?: string }>;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(async () => {
  const prisma = await db();
  await prisma.oAuthClientState.deleteMany();
});

/** A connected account whose token was granted and last used at these ages before now. */
async function accountWith(email: string, ages: { consent: number | null; lastUse?: number }) {
  const { user, account } = await seedUser(emu, email);
  const now = Date.now();
  const prisma = await db();
  await prisma.account.update({
    where: { id: account.id },
    data: {
      consentedAt: ages.consent === null ? null : new Date(now - ages.consent),
      refreshTokenUsedAt: ages.lastUse === undefined ? null : new Date(now - ages.lastUse),
    },
  });
  return { user, account };
}

/** Google revokes the token; Mailroom's next refresh is refused with invalid_grant. */
async function refuseRefresh(email: string, accountId: string) {
  emu.control.revoke(email);
  const refused = await getAccessToken(accountId, { forceRefresh: true }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(ReconnectNeededError);
}

async function testingInferred() {
  const prisma = await db();
  const state = await prisma.oAuthClientState.findUnique({
    where: { clientId: env().GOOGLE_CLIENT_ID },
  });
  return state?.testingInferredAt ?? null;
}

describe("invalid_grant: the likely cause and its fix", () => {
  it("a token two days old, used an hour ago: revoked by the owner or a password change, and says Google does not tell which", async () => {
    const { user, account } = await accountWith("revoked@example.com", {
      consent: 2 * DAY,
      lastUse: HOUR,
    });
    await refuseRefresh("revoked@example.com", account.id);

    const status = await getAccountStatus(user.id);
    expect(status?.token.reconnectNeeded).toBe(true);
    expect(status?.token.reconnectReason).toBe("Token has been expired or revoked.");
    const diagnosis = status?.token.diagnosis;
    expect(diagnosis?.cause).toBe("revoked");
    expect(diagnosis?.title).toMatch(/Revoked: by the account's owner, or by a password change/);
    expect(diagnosis?.explanation).toContain("2 days old");
    expect(diagnosis?.explanation).toContain("does not say which");
    expect(diagnosis?.fix).toMatch(/^Reconnect\./);
    expect(await testingInferred()).toBeNull();

    const prisma = await db();
    const audit = await prisma.auditEvent.findFirst({
      where: { kind: "refresh_refused", email: "revoked@example.com" },
    });
    expect(audit?.detail).toContain("Likely cause: Revoked");
  });

  it("a token that dies 7 days after consent: the app is in Testing, publish it or make it Internal; remembered for the client", async () => {
    const { user, account } = await accountWith("seven@example.com", {
      consent: 7 * DAY + 20 * 60_000,
      lastUse: 7 * DAY - 2 * HOUR,
    });
    await refuseRefresh("seven@example.com", account.id);

    const diagnosis = (await getAccountStatus(user.id))?.token.diagnosis;
    expect(diagnosis?.cause).toBe("testing_expiry");
    expect(diagnosis?.title).toBe("Expired 7 days after consent: the OAuth app is in Testing");
    expect(diagnosis?.explanation).toContain("7 days before Google refused the token");
    expect(diagnosis?.fix).toMatch(/publish the app \(In production\), or make it Internal/);
    expect(diagnosis?.fix).toContain("reconnect");
    expect(await testingInferred()).toBeInstanceOf(Date);
  });

  it("a token unused for seven months: unused for six months, reconnect", async () => {
    const { user, account } = await accountWith("idle@example.com", {
      consent: 240 * DAY,
      lastUse: 210 * DAY,
    });
    await refuseRefresh("idle@example.com", account.id);

    const diagnosis = (await getAccountStatus(user.id))?.token.diagnosis;
    expect(diagnosis?.cause).toBe("unused");
    expect(diagnosis?.title).toBe("Unused for six months");
    expect(diagnosis?.explanation).toContain("7 months before Google refused it");
    expect(await testingInferred()).toBeNull();
  });

  it("a token with no recorded consent: cause unknown, and says why", async () => {
    const { user, account } = await accountWith("old@example.com", { consent: null });
    await refuseRefresh("old@example.com", account.id);

    const diagnosis = (await getAccountStatus(user.id))?.token.diagnosis;
    expect(diagnosis?.cause).toBe("unknown");
    expect(diagnosis?.explanation).toContain("no record of when consent was given");
  });

  it("a token used after its seventh day and then revoked is not blamed on Testing", async () => {
    const { user, account } = await accountWith("survivor@example.com", {
      consent: 7 * DAY + 2 * HOUR,
      lastUse: HOUR,
    });
    await refuseRefresh("survivor@example.com", account.id);
    expect((await getAccountStatus(user.id))?.token.diagnosis?.cause).toBe("revoked");
    expect(await testingInferred()).toBeNull();
  });
});

describe("consent and last use", () => {
  it("a refresh records the token's last use; Google refusing it keeps the record", async () => {
    const { account } = await accountWith("used@example.com", { consent: HOUR });
    const before = Date.now();
    await getAccessToken(account.id, { forceRefresh: true });
    const prisma = await db();
    const row = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.refreshTokenUsedAt?.getTime()).toBeGreaterThanOrEqual(before);
  });
});

describe("consent", () => {
  it("a sign-in that returns a refresh token records consent now, and clears the last use and the diagnosis", async () => {
    const { account } = await accountWith("back@example.com", {
      consent: 8 * DAY,
      lastUse: 7 * DAY,
    });
    await refuseRefresh("back@example.com", account.id);
    const before = Date.now();
    const prisma = await db();
    await saveGoogleTokens(
      prisma,
      {
        provider: "google",
        providerAccountId: account.providerAccountId,
        access_token: "ya29.new",
        refresh_token: "1//new",
        expires_at: Math.floor(Date.now() / 1000) + 3600,
        scope: account.scope,
      },
      { email: "back@example.com" },
    );
    const row = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.consentedAt?.getTime()).toBeGreaterThanOrEqual(before);
    expect(row).toMatchObject({
      refreshTokenUsedAt: null,
      reconnectReason: null,
      reconnectCause: null,
    });
  });
});

describe("Testing-mode countdown (inferred)", () => {
  it("counts down to consent + 7 days once a death 7 days after consent was seen, warns within 48 hours, and forgets it when a token outlives 7 days", async () => {
    // Nothing known yet: no countdown.
    const fresh = await accountWith("fresh@example.com", { consent: 4 * DAY });
    expect((await getAccountStatus(fresh.user.id))?.token.expiry).toBeNull();
    expect((await getAccountStatus(fresh.user.id))?.token.testing.testing).toBe(false);

    const dead = await accountWith("dead@example.com", { consent: 7 * DAY + HOUR });
    await refuseRefresh("dead@example.com", dead.account.id);
    expect(await testingInferred()).toBeInstanceOf(Date);

    const status = await getAccountStatus(fresh.user.id);
    expect(status?.token.testing).toMatchObject({ testing: true, source: "inferred" });
    const consentedAt = status!.token.consentedAt!;
    expect(status?.token.expiry?.expiresAt.getTime()).toBe(consentedAt.getTime() + 7 * DAY);
    expect(status?.token.expiry?.state).toBe("later");
    expect(await getTokenWarning(fresh.user.id)).toBeNull();

    const soon = await accountWith("soon@example.com", { consent: 6 * DAY });
    expect(await getTokenWarning(soon.user.id)).toMatchObject({
      kind: "expiring",
      email: "soon@example.com",
      state: "soon",
    });
    const past = await accountWith("past@example.com", { consent: 7 * DAY + 5 * 60_000 });
    expect(await getTokenWarning(past.user.id)).toMatchObject({ kind: "expiring", state: "past" });
    // The dead account itself is paused: the warning says to reconnect.
    expect(await getTokenWarning(dead.user.id)).toEqual({
      kind: "reconnect",
      email: "dead@example.com",
      way: "smtp_oauth",
    });

    // A token of 9 days still works: the app is not in Testing (any more).
    const survivor = await accountWith("nine@example.com", { consent: 9 * DAY });
    await getAccessToken(survivor.account.id, { forceRefresh: true });
    expect(await testingInferred()).toBeNull();
    expect(await getTokenWarning(soon.user.id)).toBeNull();
  });
});

describe("reconnect", () => {
  it("a reconnect sign-in asks Google's authorize endpoint for consent as that account (login_hint, prompt=consent)", async () => {
    const options = buildAuthOptions(await db());
    const csrfToken = randomBytes(32).toString("hex");
    const hash = createHash("sha256").update(`${csrfToken}${env().NEXTAUTH_SECRET}`).digest("hex");
    // What SignInButton posts for a reconnect: next-auth's signIn with reconnectParams(email).
    const { reconnectParams } = await import("../../lib/auth/reconnect-params");
    const answer = await AuthHandler({
      req: {
        origin: env().NEXTAUTH_URL,
        action: "signin",
        providerId: "google",
        method: "POST",
        cookies: { "next-auth.csrf-token": `${csrfToken}|${hash}` },
        headers: {},
        query: reconnectParams("ada@example.com"),
        body: { csrfToken, callbackUrl: "/status" },
      },
      options,
    });
    expect(answer.redirect).toBeDefined();
    const authorize = new URL(answer.redirect!);
    expect(authorize.origin + authorize.pathname).toBe(`${emu.issuer}/o/oauth2/v2/auth`);
    expect(authorize.searchParams.get("login_hint")).toBe("ada@example.com");

    emu.control.reset();
    const page = await fetch(authorize);
    expect(page.status).toBe(200);
    const [seen] = emu.control.authorizationRequests();
    expect(seen).toMatchObject({ loginHint: "ada@example.com", accessType: "offline" });
    expect(seen?.prompt).toEqual(["consent"]);
  });
});
