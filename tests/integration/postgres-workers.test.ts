// Several `npm run worker` processes on one PostgreSQL database, each test on a fresh one: they
// share the queue without sending anything twice (FOR UPDATE SKIP LOCKED), and a daily limit
// holds across all of them (the account's row is locked while its usage is counted).
import { describe, expect, it } from "vitest";
import { sleep, waitUntil } from "../support/crash-probes";
import { startWorkerRun, type WorkerRun, workerRunSuite } from "../support/postgres-worker-run";
import { postgresUrl, warnWithoutPostgres } from "../support/test-postgres";

warnWithoutPostgres("worker processes on PostgreSQL");
describe.skipIf(!postgresUrl)("worker processes on PostgreSQL", () => {
  const suite = workerRunSuite();

  /** Four workers on the run's database, each started and polling. */
  async function startFour(run: WorkerRun, env: Record<string, string> = {}) {
    const workers = Array.from({ length: 4 }, () => run.startWorker(env));
    const ids = await Promise.all(workers.map((w) => w.started));
    return { workers, ids };
  }

  it("four `npm run worker` processes send 2,000 messages exactly once, and each sends some", async () => {
    const run = await startWorkerRun(suite.emulator());
    const senders = await run.seedSenders(
      ["a", "b", "c", "d"].map((name) => `pg-multi-${name}@example.com`),
    );
    // Held until all four run, so they race for a full queue.
    await run.hold();
    const ids = await run.enqueue(senders, 2000, "Multi");
    const { workers, ids: workerIds } = await startFour(run);

    // Which worker held each message's lease, sampled while the run goes on: nothing is killed
    // here, so a message a worker held is a message that worker sent.
    const heldBy = new Map<string, string>();
    let sampling = true;
    const sample = (async () => {
      while (sampling) {
        const rows = await run.prisma.message.findMany({
          where: { status: "sending" },
          select: { id: true, lockedBy: true },
        });
        for (const r of rows) if (r.lockedBy) heldBy.set(r.id, r.lockedBy);
        await sleep(20);
      }
    })();
    const releasedAt = Date.now();
    await run.release();
    try {
      await waitUntil(
        "every message is sent",
        async () => (await run.prisma.message.count({ where: { status: "sent" } })) === 2000,
        { timeoutMs: 400_000, intervalMs: 200, detail: run.output },
      );
    } finally {
      sampling = false;
      await sample;
    }
    const sendingMs = Date.now() - releasedAt;
    for (const worker of workers) expect(await worker.stop()).toEqual({ code: 0, signal: null });

    const rows = await run.prisma.message.findMany({
      select: {
        id: true,
        status: true,
        attempts: true,
        messageIdHeader: true,
        events: { orderBy: { createdAt: "asc" }, select: { type: true } },
      },
    });
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    // Gmail has each Message-ID once, and nothing else.
    const copies = run.mailbox.copies();
    expect(run.mailbox.total()).toBe(2000);
    expect([...copies.keys()].sort()).toEqual(rows.map((r) => r.messageIdHeader).sort());
    const unexpected = rows.filter(
      (r) =>
        r.status !== "sent" ||
        r.attempts !== 1 ||
        r.events.map((e) => e.type).join(",") !== "queued,attempt,sent",
    );
    expect(unexpected).toEqual([]);

    const perWorker = workerIds.map((id) => [...heldBy.values()].filter((w) => w === id).length);
    console.log(
      `postgres-workers: 4 worker processes sent 2,000 messages exactly once in ${sendingMs} ms ` +
        `(${Math.round(2000 / (sendingMs / 1000))}/s); leases seen per worker: ` +
        `${perWorker.join("/")} of ${heldBy.size} sampled; duplicates: 0.`,
    );
    for (const seen of perWorker) expect(seen).toBeGreaterThan(0);
  }, 600_000);

  it("a daily limit of 50 holds across four workers: 50 sent, never 51, the rest wait", async () => {
    const run = await startWorkerRun(suite.emulator());
    const [sender] = await run.seedSenders(["pg-limited@example.com"]);
    await run.hold();
    await run.enqueue([sender!], 200, "Limited");
    const { workers } = await startFour(run, { DAILY_LIMIT: "50" });
    await run.release();

    const paused = await waitUntil(
      "the account pauses at its daily limit",
      async () => {
        const account = await run.prisma.account.findUniqueOrThrow({
          where: { id: sender!.accountId },
        });
        return account.pauseReason ? account : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100, detail: run.output },
    );
    // Every worker polls each second: give each a few more chances to overshoot.
    await sleep(3_000);
    for (const worker of workers) expect(await worker.stop()).toEqual({ code: 0, signal: null });

    const copies = run.mailbox.copies();
    expect(run.mailbox.total()).toBe(50);
    expect(copies.size).toBe(50);
    const counts = await run.prisma.message.groupBy({ by: ["status"], _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count]))).toEqual({
      sent: 50,
      queued: 150,
    });
    const [oldest] = await run.prisma.message.findMany({
      where: { status: "sent" },
      select: { sentAt: true },
      orderBy: { sentAt: "asc" },
      take: 1,
    });
    // The account waits until its oldest send leaves the 24-hour window, and says so.
    expect(paused.pauseReason).toMatch(
      /^Daily limit of 50 recipients reached; next slot at \d\d:\d\d UTC$/,
    );
    expect(paused.nextSendAt!.getTime()).toBe(oldest!.sentAt!.getTime() + 24 * 3_600_000);
    console.log(
      `postgres-workers: daily limit of 50, 4 workers, 200 messages for one account: ` +
        `${run.mailbox.total()} delivered, 150 queued; the account says "${paused.pauseReason}".`,
    );
  }, 300_000);
});
