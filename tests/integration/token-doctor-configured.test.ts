// The token doctor when the operator says the OAuth app is in Testing (GOOGLE_OAUTH_APP_TESTING):
// every account counts down to consent + 7 days from the start, and a token found dead long after
// its seventh day, unused since, is still blamed on Testing. Nothing is inferred or remembered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { getAccountStatus } from "../../lib/diagnostics/account-status";
import { getTokenWarning } from "../../lib/diagnostics/token-warning";
import { getAccessToken, ReconnectNeededError } from "../../lib/google/access-token";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  process.env.GOOGLE_OAUTH_APP_TESTING = "true";
});

afterAll(async () => {
  await emu.stop();
});

async function accountWith(email: string, consentAge: number, lastUseAge?: number) {
  const { user, account } = await seedUser(emu, email);
  const prisma = await db();
  await prisma.account.update({
    where: { id: account.id },
    data: {
      consentedAt: new Date(Date.now() - consentAge),
      refreshTokenUsedAt: lastUseAge === undefined ? null : new Date(Date.now() - lastUseAge),
    },
  });
  return { user, account };
}

describe("GOOGLE_OAUTH_APP_TESTING=true", () => {
  it("counts down to consent + 7 days for a new account, and warns only in the last 48 hours", async () => {
    const { user } = await accountWith("new@example.com", HOUR);
    const status = await getAccountStatus(user.id);
    expect(status?.token.testing).toEqual({
      testing: true,
      source: "configured",
      inferredAt: null,
    });
    expect(status?.token.expiry?.state).toBe("later");
    expect(status?.token.expiry?.expiresAt.getTime()).toBe(
      status!.token.consentedAt!.getTime() + 7 * DAY,
    );
    expect(await getTokenWarning(user.id)).toBeNull();

    const late = await accountWith("late@example.com", 5 * DAY + 2 * HOUR);
    const warning = await getTokenWarning(late.user.id);
    expect(warning).toMatchObject({ kind: "expiring", state: "soon", email: "late@example.com" });
  });

  it("blames Testing for a token found dead weeks later, unused since its third day, without remembering anything", async () => {
    const { user, account } = await accountWith("weeks@example.com", 20 * DAY, 17 * DAY);
    emu.control.revoke("weeks@example.com");
    await expect(getAccessToken(account.id, { forceRefresh: true })).rejects.toBeInstanceOf(
      ReconnectNeededError,
    );
    const status = await getAccountStatus(user.id);
    expect(status?.token.diagnosis?.cause).toBe("testing_expiry");
    expect(status?.token.diagnosis?.explanation).toContain("20 days before Google refused");
    // A paused account has no countdown: the doctor's explanation takes its place.
    expect(status?.token.expiry).toBeNull();
    const prisma = await db();
    expect(await prisma.oAuthClientState.count()).toBe(0);
  });
});
