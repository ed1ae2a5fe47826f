// A stored token that no longer opens (copied from another row, altered, or sealed under a key
// Mailroom lost) pauses the account for a new sign-in instead of failing every retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { getAccessToken, ReconnectNeededError } from "../../lib/google/access-token";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
});

afterAll(async () => {
  await emu.stop();
});

describe("a sealed token that does not open", () => {
  it("marks the account reconnect-needed rather than sending with, or retrying, a bad token", async () => {
    const prisma = await db();
    const victim = await seedUser(emu, "victim@example.com");
    const thief = await seedUser(emu, "thief@example.com");
    // Both tokens copied from another account's row: bound to that row, they must not open here.
    await prisma.account.update({
      where: { id: thief.account.id },
      data: {
        refreshTokenSealed: victim.account.refreshTokenSealed,
        accessTokenSealed: victim.account.accessTokenSealed,
      },
    });
    const error = await getAccessToken(thief.account.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconnectNeededError);
    const stored = await prisma.account.findUniqueOrThrow({ where: { id: thief.account.id } });
    expect(stored.reconnectReason).toMatch(/cannot be opened.*sign in again/);
    expect(emu.control.stats("victim@example.com").refreshes).toBe(0);
  });
});
