import { describe, expect, it } from "vitest";
import { enqueueRoundRobin, seedSenders, loadEnvironmentSuite } from "../support/bulk-load";
import { db } from "../../lib/db";
import { startWorker } from "../../lib/sending/worker";

const load = loadEnvironmentSuite();

describe("fault injection", () => {
  it("with 30% of transactions refused (421/451/454) or dropped, 500 messages all end sent", async () => {
    const senders = await seedSenders(load.emulator(), [
      "chaos-a@example.com",
      "chaos-b@example.com",
    ]);
    let seed = 20261128;
    load.emulator().control.setFaultRate({
      rate: 0.3,
      dropShare: 0.25,
      random: () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646,
    });

    const prisma = await db();
    await enqueueRoundRobin(senders, 500, "Chaos");

    const worker = await startWorker({ concurrency: 8, pollMs: 20, log: () => undefined });
    // Backoff is real (30 s and up); make deferred messages due as soon as they are deferred.
    const fastForward = setInterval(() => {
      // (Prisma queries are lazy: .catch() is what sends this one.)
      prisma.message
        .updateMany({ where: { status: "deferred" }, data: { nextAttemptAt: new Date(0) } })
        .catch(() => undefined);
    }, 100);
    try {
      await expect
        .poll(() => prisma.message.count({ where: { status: "sent" } }), {
          timeout: 240_000,
          interval: 500,
        })
        .toBe(500);
    } finally {
      clearInterval(fastForward);
      await worker.stop();
    }

    const messages = await prisma.message.findMany({ include: { events: true } });
    expect(messages).toHaveLength(500);
    expect(messages.every((m) => m.status === "sent" && m.lastSmtpCode === 250)).toBe(true);

    // Every failed attempt is on its message's timeline as a deferral with Gmail's reply or the
    // network error, and every message's attempts add up.
    let deferrals = 0;
    for (const m of messages) {
      const deferred = m.events.filter((e) => e.type === "deferred");
      deferrals += deferred.length;
      expect(m.events.filter((e) => e.type === "attempt")).toHaveLength(m.attempts);
      expect(deferred).toHaveLength(m.attempts - 1);
      for (const e of deferred) {
        expect(e.smtpReply).toBeTruthy();
        expect(e.smtpCode === null || [421, 451, 454].includes(e.smtpCode)).toBe(true);
      }
    }
    const attempts = messages.reduce((sum, m) => sum + m.attempts, 0);
    expect(deferrals / attempts).toBeGreaterThan(0.15);
    expect(deferrals / attempts).toBeLessThan(0.45);

    const inbox = load.emulator().control.messages();
    expect(inbox).toHaveLength(500);
    expect(new Set(inbox.map((m) => m.messageId))).toEqual(
      new Set(messages.map((m) => m.messageIdHeader)),
    );
  }, 300_000);
});
