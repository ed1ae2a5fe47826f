import { describe, expect, it } from "vitest";
import { enqueueRoundRobin, seedSenders, loadEnvironmentSuite } from "../support/bulk-load";
import { seedUser } from "../support/seed-user";
import { db } from "../../lib/db";
import { getAccessToken } from "../../lib/google/access-token";
import { startWorker } from "../../lib/sending/worker";

const load = loadEnvironmentSuite();

describe("access tokens under load", () => {
  it("concurrent callers share one refresh", async () => {
    const { account } = await seedUser(load.emulator(), "concurrent@example.com");
    load.emulator().control.reset();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => getAccessToken(account.id, { forceRefresh: true })),
    );
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(load.emulator().control.stats(account.email).refreshes).toBe(1);
  });

  it("an expiry during a 1,000-message run costs one refresh per account, not one per message", async () => {
    const senders = await seedSenders(load.emulator(), [
      "load-a@example.com",
      "load-b@example.com",
    ]);
    load.emulator().control.reset();
    const prisma = await db();
    const worker = await startWorker({ concurrency: 8, pollMs: 20, log: () => undefined });
    try {
      await enqueueRoundRobin(senders, 1000, "Load", async (i) => {
        // Halfway through, Google expires every access token (as after its 3,600 s lifetime).
        if (i !== 500) return;
        await expect
          .poll(() => prisma.message.count({ where: { status: "sent" } }), { timeout: 30_000 })
          .toBeGreaterThan(200);
        load.emulator().control.expireAccessTokens();
      });
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
      const stats = load.emulator().control.stats(s.account.email);
      expect(stats.messages).toBe(500);
      expect(stats.refreshes).toBe(1);
    }
    expect(await prisma.message.count({ where: { status: { not: "sent" } } })).toBe(0);
  }, 180_000);
});
