// The refresh lease in an account's row: a lease left by a process that crashed, or that never
// finishes its refresh, holds the others up only until its time runs out; a process waiting
// for the holder takes the token it stores, or its refusal; a failed refresh gives it back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { accountTokenPlace } from "../../lib/crypto/sealed-columns";
import { tokenSealer } from "../../lib/crypto/sealer";
import { db } from "../../lib/db";
import { getAccessToken, ReconnectNeededError } from "../../lib/google/access-token";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment, TEST_CLIENT } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

const EXPIRED = () => new Date(Date.now() - 1000);
const NO_LEASE = { refreshLeaseBy: null, refreshLeaseUntil: null };

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
});

afterAll(async () => {
  await emu.stop();
});

/** An account whose access token expired while another process holds its lease until `until`. */
async function leasedAccount(email: string, until: Date) {
  const prisma = await db();
  const { account } = await seedUser(emu, email);
  await prisma.account.update({
    where: { id: account.id },
    data: {
      accessTokenExpiresAt: EXPIRED(),
      refreshLeaseBy: "another-process",
      refreshLeaseUntil: until,
    },
  });
  return account;
}

async function leaseOf(accountId: string) {
  const prisma = await db();
  return prisma.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { refreshLeaseBy: true, refreshLeaseUntil: true },
  });
}

describe("the refresh lease", () => {
  it("a lease whose time ran out (its holder crashed) is taken over at once", async () => {
    const account = await leasedAccount("lapsed@example.com", new Date(Date.now() - 60_000));
    const token = await getAccessToken(account.id);
    expect(token.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(emu.control.stats(account.email).refreshes).toBe(1);
    expect(await leaseOf(account.id)).toEqual(NO_LEASE);
  });

  it("a holder that never finishes holds the others up until its lease runs out, not longer", async () => {
    const account = await leasedAccount("stuck@example.com", new Date(Date.now() + 1_500));
    const started = Date.now();
    await getAccessToken(account.id);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_400);
    expect(waited).toBeLessThan(10_000);
    expect(emu.control.stats(account.email).refreshes).toBe(1);
    expect(await leaseOf(account.id)).toEqual(NO_LEASE);
  });

  it("a process waiting for the holder takes the token the holder stores, without a refresh", async () => {
    const account = await leasedAccount("waiter@example.com", new Date(Date.now() + 30_000));
    const waiting = getAccessToken(account.id);
    // The holder, in another process: stores a new token and gives the lease back together.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { accessToken } = emu.control.issueTokens(account.email, {
      clientId: TEST_CLIENT.clientId,
    });
    const prisma = await db();
    await prisma.account.update({
      where: { id: account.id },
      data: {
        accessTokenSealed: tokenSealer().seal(
          accessToken,
          accountTokenPlace(account.id, "accessTokenSealed"),
        ),
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        lastRefreshedAt: new Date(),
        ...NO_LEASE,
      },
    });
    expect((await waiting).accessToken).toBe(accessToken);
    expect(emu.control.stats(account.email).refreshes).toBe(0);
  });

  it("a process waiting for the holder learns when Google refused the holder's refresh", async () => {
    const account = await leasedAccount(
      "refused-holder@example.com",
      new Date(Date.now() + 30_000),
    );
    const waiting = getAccessToken(account.id).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const prisma = await db();
    await prisma.account.update({
      where: { id: account.id },
      data: { reconnectReason: "Token has been expired or revoked.", reconnectSince: new Date() },
    });
    const error = await waiting;
    expect(error).toBeInstanceOf(ReconnectNeededError);
    expect(emu.control.stats(account.email).refreshes).toBe(0);
  });

  it("a refresh Google refuses gives the lease back and pauses the account", async () => {
    const account = await leasedAccount("revoked@example.com", EXPIRED());
    emu.control.revoke(account.email);
    const error = await getAccessToken(account.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconnectNeededError);
    expect(await leaseOf(account.id)).toEqual(NO_LEASE);
    const prisma = await db();
    const stored = await prisma.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.reconnectReason).not.toBeNull();
    expect(
      await prisma.auditEvent.count({ where: { kind: "refresh_refused", email: account.email } }),
    ).toBe(1);
  });
});
