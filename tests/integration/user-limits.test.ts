// What one user may queue: a cap on messages waiting, counted where the message is accepted so
// concurrent accepts cannot overshoot it, and a rate of accepts per minute.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { AppError } from "../../lib/errors/app-error";
import { messageInputSchema } from "../../lib/mail/message-input";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { drainOutbox } from "../support/drain-outbox";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  Object.assign(process.env, { USER_MAX_QUEUED: "5", USER_SEND_RATE_PER_MINUTE: "12" });
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  closeAllTransports();
  emu.control.reset();
});

function send(userId: string, from: string, subject: string) {
  const input = messageInputSchema.parse({ from, to: "bob@example.org", subject, text: "hi" });
  return enqueueMessage({ userId, input });
}

describe("per-user limits on what one user queues", () => {
  it("refuses messages beyond the backlog cap, concurrent accepts included, until some go out", async () => {
    const { user, account } = await seedUser(emu, "backlog@example.com");
    const other = await seedUser(emu, "neighbour@example.com");
    // Ten at once, in the same group commits: exactly five fit.
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => send(user.id, account.email, `Burst ${i}`)),
    );
    const accepted = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(5);
    for (const error of refused) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: "rate_limited",
        status: 429,
        message: "You have 5 messages waiting; wait for some to go out or cancel some.",
      });
    }
    const prisma = await db();
    expect(await prisma.message.count({ where: { userId: user.id } })).toBe(5);
    // Another user's backlog is their own.
    await expect(send(other.user.id, other.account.email, "Unaffected")).resolves.toMatchObject({
      status: "queued",
    });

    // Once they have gone out, there is room again.
    await drainOutbox();
    await expect(send(user.id, account.email, "After")).resolves.toMatchObject({
      status: "queued",
    });
  });

  it("refuses accepts beyond the per-minute rate and says when to try again", async () => {
    const { user, account } = await seedUser(emu, "rate@example.com");
    // Twelve a minute; the backlog cap (5) is kept clear by sending in between.
    for (let i = 0; i < 12; i++) {
      await send(user.id, account.email, `Rate ${i}`);
      if (i % 4 === 3) await drainOutbox();
    }
    const refusal = await send(user.id, account.email, "One too many").catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    const error = refusal as AppError;
    expect(error.code).toBe("rate_limited");
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(error.message).toBe(
      `You are sending more than 12 messages a minute; try again in ${error.retryAfterSeconds} s.`,
    );
    const prisma = await db();
    expect(await prisma.message.count({ where: { userId: user.id } })).toBe(12);
    // The rate is per user.
    const other = await seedUser(emu, "rate-other@example.com");
    await expect(send(other.user.id, other.account.email, "Mine")).resolves.toMatchObject({
      status: "queued",
    });
  });
});
