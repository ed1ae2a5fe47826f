import { describe, expect, it } from "vitest";
import { enqueueRoundRobin, seedSenders, loadEnvironmentSuite } from "../support/bulk-load";
import { db } from "../../lib/db";
import { startWorker } from "../../lib/sending/worker";
import { spawnWorker } from "../support/worker-process";

const load = loadEnvironmentSuite();

describe("several workers on one database", () => {
  it("two `npm run worker` processes plus the in-process worker send 1,000 messages exactly once", async () => {
    const senders = await seedSenders(load.emulator(), [
      "multi-a@example.com",
      "multi-b@example.com",
      "multi-c@example.com",
    ]);
    load.emulator().control.reset();
    const prisma = await db();
    await enqueueRoundRobin(senders, 1000, "Multi");

    // All three start on a full queue, so they race for every message.
    const processes = [spawnWorker(), spawnWorker()];
    const workerIds = await Promise.all(processes.map((p) => p.started));
    const inProcess = await startWorker({ pollMs: 20, log: () => undefined });
    // Watch which workers hold leases while the run goes on.
    const seenHolders = new Set<string>();
    const watch = setInterval(() => {
      prisma.message
        .findMany({
          where: { status: "sending" },
          select: { lockedBy: true },
          distinct: ["lockedBy"],
        })
        .then((rows) => rows.forEach((r) => r.lockedBy && seenHolders.add(r.lockedBy)))
        .catch(() => undefined);
    }, 50);
    try {
      await expect
        .poll(() => prisma.message.count({ where: { status: "sent" } }), {
          timeout: 240_000,
          interval: 500,
        })
        .toBe(1000);
    } finally {
      clearInterval(watch);
      await inProcess.stop();
      await Promise.all(processes.map((p) => p.stop()));
    }

    const inbox = load.emulator().control.messages();
    const ids = inbox.map((m) => m.messageId);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    const messages = await prisma.message.findMany({
      select: { attempts: true, events: { where: { type: "attempt" }, select: { detail: true } } },
    });
    expect(messages.every((m) => m.attempts === 1 && m.events.length === 1)).toBe(true);

    // Every worker took part: each was seen holding leases during the run.
    expect([...seenHolders].sort()).toEqual([...workerIds, inProcess.id].sort());
  }, 300_000);
});
