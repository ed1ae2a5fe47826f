import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { getAccessToken } from "../../lib/google/access-token";
import { messageInputSchema } from "../../lib/mail/message-input";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { enqueueMessage } from "../../lib/queue/enqueue-message";
import { startWorker } from "../../lib/queue/worker";
import { seedUser } from "../support/seed-user";
import { useTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  useTestEnvironment(emu);
  process.env.DAILY_LIMIT = "10000";
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

describe("access tokens under load", () => {
  it("concurrent callers share one refresh", async () => {
    const { account } = await seedUser(emu, "concurrent@example.com");
    emu.control.reset();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => getAccessToken(account.id, { forceRefresh: true })),
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(emu.control.stats(account.email).refreshes).toBe(1);
  });

  it("an expiry during a 1,000-message run costs one refresh per account, not one per message", async () => {
    const senders = await Promise.all(
      ["load-a@example.com", "load-b@example.com"].map((e) => seedUser(emu, e)),
    );
    for (const s of senders) emu.control.setQuota(s.account.email, 10_000);
    emu.control.reset();
    const prisma = await db();
    const worker = await startWorker({ concurrency: 8, pollMs: 20, log: () => undefined });
    try {
      for (let i = 0; i < 1000; i++) {
        const s = senders[i % senders.length]!;
        const input = messageInputSchema.parse({
          from: s.account.email,
          to: `r${i}@example.org`,
          subject: `Load ${i}`,
          text: "x",
        });
        await enqueueMessage({ userId: s.user.id, input });
        // Halfway through, Google expires every access token (as after its 3,600 s lifetime).
        if (i === 500) {
          await expect
            .poll(() => prisma.message.count({ where: { status: "sent" } }), { timeout: 30_000 })
            .toBeGreaterThan(200);
          emu.control.expireAccessTokens();
        }
      }
      await expect
        .poll(() => prisma.message.count({ where: { status: "sent" } }), {
          timeout: 120_000,
          interval: 250,
        })
        .toBe(1000);
    } finally {
      await worker.stop();
    }
    for (const s of senders) {
      const stats = emu.control.stats(s.account.email);
      expect(stats.messages).toBe(500);
      expect(stats.refreshes).toBe(1);
    }
    expect(await prisma.message.count({ where: { status: { not: "sent" } } })).toBe(0);
  }, 180_000);
});
