// Crash safety on PostgreSQL, each test on a fresh database: `npm run worker` processes killed
// with SIGKILL at random moments of a saturated run, and every connection to the database
// terminated mid-run. Nothing may be lost; a message may reach Gmail twice only when Gmail had
// accepted it and its worker died before recording so (DESIGN.md, "Sending semantics").
import { Client } from "pg";
import { describe, expect, it } from "vitest";
import { LEASE_MS } from "../../lib/sending/claim-messages";
import { sleep, waitUntil } from "../support/crash-probes";
import {
  startWorkerRun,
  type Sender,
  type WorkerRun,
  workerRunSuite,
} from "../support/postgres-worker-run";
import { postgresUrl, warnWithoutPostgres } from "../support/test-postgres";
import type { WorkerProcess } from "../support/worker-process";

warnWithoutPostgres("crash safety on PostgreSQL");
describe.skipIf(!postgresUrl)("crash safety on PostgreSQL", () => {
  const suite = workerRunSuite();

  const SENDERS = ["a", "b", "c", "d"];

  /** Keeps at least `low` messages queued, `batch` at a time, until stopped; counts them. */
  function keepQueueFull(run: WorkerRun, senders: Sender[], low: number, batch: number) {
    let feeding = true;
    let enqueued = 0;
    // Ends at the first failure (e.g. the run closed under a failed test); stop() reports it.
    const done = (async () => {
      while (feeding) {
        const queued = await run.prisma.message.count({ where: { status: "queued" } });
        if (queued < low) {
          await run.enqueue(senders, batch, `Feed ${enqueued}`);
          enqueued += batch;
        } else {
          await sleep(50);
        }
      }
    })().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    return {
      async stop() {
        feeding = false;
        const failure = await done;
        if (failure) throw failure;
        return enqueued;
      },
    };
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

  /** Every message of the run, with what its timeline says. */
  async function finalRows(run: WorkerRun) {
    return run.prisma.message.findMany({
      select: {
        id: true,
        status: true,
        attempts: true,
        messageIdHeader: true,
        events: { select: { type: true } },
      },
    });
  }

  it(
    "loses nothing over 25 kill -9 at random moments of a saturated run, and counts the duplicates",
    { timeout: 600_000 },
    async () => {
      const KILLS = 25;
      const run = await startWorkerRun(suite.emulator());
      const { mailbox } = run;
      const senders = await run.seedSenders(SENDERS.map((name) => `pg-crash-${name}@example.com`));
      await run.hold();
      await run.enqueue(senders, 300, "Crash");
      const slots: { worker: WorkerProcess; id?: string }[] = [];
      const startInSlot = (slot: number) => {
        const worker = run.startWorker();
        const entry: (typeof slots)[number] = { worker };
        slots[slot] = entry;
        void worker.started.then((id) => (entry.id = id)).catch(() => undefined);
      };
      for (let slot = 0; slot < 4; slot++) startInSlot(slot);
      await Promise.all(slots.map((s) => s.worker.started));
      const feeder = keepQueueFull(run, senders, 150, 150);
      const startedAt = Date.now();
      await run.release();

      // Per kill: the messages the dead worker held (in flight), and of those, the ones Gmail
      // already had a copy of (it accepted them, or holds them while its reply is on the way):
      // only these may arrive twice.
      const kills: { workerId: string; held: string[]; copiesHeld: Map<string, number> }[] = [];
      const settling: Promise<void>[] = [];
      const settle = async (workerId: string) => {
        // Whatever the dead worker had written to its sockets reaches Gmail and PostgreSQL.
        await sleep(500);
        const held = await run.prisma.message.findMany({
          where: { status: "sending", lockedBy: workerId },
          select: { id: true, messageIdHeader: true },
        });
        const copies = mailbox.copies();
        kills.push({
          workerId,
          held: held.map((m) => m.id),
          copiesHeld: new Map(held.map((m) => [m.id, copies.get(m.messageIdHeader) ?? 0])),
        });
        // What LEASE_MS of waiting would do, without the wait: the others may claim them.
        await run.prisma.message.updateMany({
          where: { status: "sending", lockedBy: workerId },
          data: { lockedUntil: new Date(Date.now() - 1) },
        });
      };

      // A kill every 150-400 ms, once the run has moved on since the previous one (so a slow
      // machine, where workers take seconds to start and connect, still sends between kills).
      const gaps: number[] = [];
      let lastKillAt = Date.now();
      let acceptedAtLastKill = 0;
      while (gaps.length < KILLS) {
        await sleep(150 + Math.floor(Math.random() * 250));
        await waitUntil(
          "Gmail accepts more messages since the last kill",
          () => mailbox.total() >= acceptedAtLastKill + 5,
          { timeoutMs: 120_000, intervalMs: 20, detail: run.output },
        );
        // A random worker among those holding leases, i.e. in the middle of sending.
        const holders = new Set(
          (
            await run.prisma.message.findMany({
              where: { status: "sending", lockedUntil: { gt: new Date() } },
              select: { lockedBy: true },
              distinct: ["lockedBy"],
            })
          ).map((m) => m.lockedBy),
        );
        const sending = slots.flatMap((s, slot) =>
          s.id && holders.has(s.id) ? [{ ...s, slot, id: s.id }] : [],
        );
        const victim = sending[Math.floor(Math.random() * sending.length)];
        if (!victim) continue;
        const exit = await victim.worker.kill9();
        expect(exit.signal, victim.worker.output()).toBe("SIGKILL");
        gaps.push(Date.now() - lastKillAt);
        lastKillAt = Date.now();
        acceptedAtLastKill = mailbox.total();
        settling.push(settle(victim.id));
        startInSlot(victim.slot);
      }
      const killingMs = Date.now() - startedAt;
      const fed = await feeder.stop();
      await Promise.all(settling);

      await waitUntil(
        "every message is sent",
        async () => (await run.prisma.message.count({ where: { status: { not: "sent" } } })) === 0,
        { timeoutMs: 120_000, intervalMs: 200, detail: run.output },
      );
      const totalMs = Date.now() - startedAt;
      // A worker started after the last kill may still be booting (on a loaded machine, for
      // seconds): its graceful stop is only there once it has started.
      await Promise.all(slots.map((s) => s.worker.started));
      for (const slot of slots) {
        expect(await slot.worker.stop(), slot.worker.output()).toEqual({ code: 0, signal: null });
      }

      const rows = await finalRows(run);
      const copies = mailbox.copies();
      expect(rows).toHaveLength(300 + fed);
      expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
      // Each message's copies: the one that counted, plus one for each copy Gmail already had
      // when a worker holding it died (the last such kill saw all the earlier ones too).
      const expectedCopies = new Map(rows.map((r) => [r.id, 1]));
      for (const kill of kills) {
        for (const [id, had] of kill.copiesHeld) {
          expectedCopies.set(id, Math.max(expectedCopies.get(id)!, 1 + had));
        }
      }
      expect([...copies.keys()].sort()).toEqual(rows.map((r) => r.messageIdHeader).sort());
      expect(
        rows
          .map((r) => ({ id: r.id, copies: copies.get(r.messageIdHeader) }))
          .filter((r) => r.copies !== expectedCopies.get(r.id)),
      ).toEqual([]);

      const duplicates = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
      const inFlightAtKills = kills.reduce((sum, k) => sum + k.held.length, 0);
      const attemptsWithoutEvent = rows.filter(
        (r) => r.attempts !== r.events.filter((e) => e.type === "attempt").length,
      ).length;
      const notOneSentEvent = rows.filter(
        (r) => r.events.filter((e) => e.type === "sent").length !== 1,
      ).length;
      console.log(
        [
          `postgres-crashes: ${kills.length} kill -9 (${median(gaps)} ms apart in the median,`,
          `${Math.min(...gaps)}-${Math.max(...gaps)} ms; ${killingMs} ms in all) of 4 workers over ${rows.length}`,
          `messages; in flight at the kills: ${inFlightAtKills}`,
          `(${kills.map((k) => k.held.length).join("/")}); duplicates: ${duplicates}`,
          `(${kills.filter((k) => [...k.copiesHeld.values()].some((n) => n > 0)).length} kills`,
          `caused any); lost: 0; attempts missing from the timeline: ${attemptsWithoutEvent};`,
          `run ${totalMs} ms.`,
        ].join(" "),
      );
      expect(kills).toHaveLength(KILLS);
      // Saturated: the dead workers were sending.
      expect(inFlightAtKills).toBeGreaterThanOrEqual(KILLS);
      expect(duplicates).toBeLessThanOrEqual(inFlightAtKills);
      // A claim and its attempt event commit together, and an outcome with its event.
      expect(attemptsWithoutEvent).toBe(0);
      expect(notOneSentEvent).toBe(0);
    },
  );

  it(
    "loses nothing when every connection to the database is terminated, again and again, mid-run",
    { timeout: 400_000 },
    async () => {
      const MESSAGES = 600;
      const run = await startWorkerRun(suite.emulator());
      const { mailbox } = run;
      const admin = new Client({ connectionString: run.url });
      await admin.connect();
      try {
        const senders = await run.seedSenders(
          SENDERS.map((name) => `pg-terminate-${name}@example.com`),
        );
        await run.hold();
        await run.enqueue(senders, MESSAGES, "Terminate");
        const workers = Array.from({ length: 4 }, () => run.startWorker());
        await Promise.all(workers.map((w) => w.started));
        const startedAt = Date.now();
        await run.release();

        // At set points of the run, so every round hits workers in the middle of sending. Each
        // round waits until every worker listens again after the round before, so each round
        // ends four listeners and whatever the workers' pools hold at that moment.
        const listening = async () =>
          (
            await admin.query(
              `SELECT 1 FROM pg_stat_activity
               WHERE datname = $1 AND application_name = 'mailroom-due' AND query = 'LISTEN mailroom_due'`,
              [run.name],
            )
          ).rowCount;
        const rounds: { atSent: number; listeners: number; outbox: number; all: number }[] = [];
        // When the last round began: a listener may reconnect before that round's query returns.
        let lastRoundAt = new Date();
        for (const share of [0.1, 0.25, 0.4, 0.55, 0.7]) {
          const atSent = await waitUntil(
            `${share * 100}% of the messages are sent`,
            async () => {
              const sent = await run.prisma.message
                .count({ where: { status: "sent" } })
                .catch(() => 0);
              return sent >= share * MESSAGES ? sent : undefined;
            },
            { timeoutMs: 60_000, intervalMs: 50, detail: run.output },
          );
          await waitUntil("all four workers listen again", async () => (await listening()) === 4, {
            timeoutMs: 30_000,
            intervalMs: 20,
            detail: run.output,
          });
          lastRoundAt = new Date();
          const { rows } = await admin.query<{ name: string }>(
            `SELECT pg_terminate_backend(pid), application_name AS name FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [run.name],
          );
          rounds.push({
            atSent,
            listeners: rows.filter((r) => r.name === "mailroom-due").length,
            outbox: rows.filter((r) => r.name === "mailroom-outbox").length,
            all: rows.length,
          });
        }

        // A claim whose COMMIT landed but whose reply was lost with its connection leaves its
        // messages leased to a worker that never heard of them: they go again once the lease
        // runs out (LEASE_MS), so the wait allows for that after the last round.
        // Counted on the test's own connection, which the rounds spare.
        let unsent = "";
        await waitUntil(
          "every message is sent",
          async () => {
            const { rows } = await admin.query<{ status: string; locked: boolean; n: number }>(
              `SELECT status, "lockedUntil" IS NOT NULL AS locked, count(*)::int AS n
               FROM "Message" WHERE status <> 'sent' GROUP BY 1, 2`,
            );
            unsent = rows.map((r) => `${r.n} ${r.status}${r.locked ? " (leased)" : ""}`).join(", ");
            return rows.length === 0;
          },
          {
            timeoutMs: LEASE_MS + 60_000,
            intervalMs: 200,
            detail: () => `not sent: ${unsent}\n${run.output()}`,
          },
        );
        const totalMs = Date.now() - startedAt;

        // Each worker listens again: a connection of its own, opened after the last round.
        const listeners = await admin.query<{ backend_start: Date }>(
          `SELECT backend_start FROM pg_stat_activity
           WHERE datname = $1 AND application_name = 'mailroom-due' AND query = 'LISTEN mailroom_due'`,
          [run.name],
        );
        expect(listeners.rows).toHaveLength(4);
        for (const row of listeners.rows) {
          expect(row.backend_start.getTime()).toBeGreaterThan(lastRoundAt.getTime());
        }
        // The workers lived through it all and stop cleanly.
        for (const worker of workers) {
          expect(await worker.stop(), worker.output()).toEqual({ code: 0, signal: null });
        }

        const rows = await finalRows(run);
        const copies = mailbox.copies();
        expect(rows).toHaveLength(MESSAGES);
        expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
        expect([...copies.keys()].sort()).toEqual(rows.map((r) => r.messageIdHeader).sort());
        const duplicates = [...copies.values()].reduce((sum, n) => sum + n - 1, 0);
        const retried = rows.filter((r) => r.attempts > 1).length;
        const attemptsWithoutEvent = rows.filter(
          (r) => r.attempts !== r.events.filter((e) => e.type === "attempt").length,
        ).length;
        const notOneSentEvent = rows.filter(
          (r) => r.events.filter((e) => e.type === "sent").length !== 1,
        ).length;
        console.log(
          [
            `postgres-crashes: ${rounds.length} rounds of pg_terminate_backend on every connection`,
            `(${rounds.map((r) => `${r.all}, ${r.outbox} of them the outbox's, at ${r.atSent} sent`).join("; ")}) over`,
            `${MESSAGES} messages with 4 workers: all sent in ${totalMs} ms; duplicates:`,
            `${duplicates}; messages attempted more than once: ${retried}; attempts missing from`,
            `the timeline: ${attemptsWithoutEvent}.`,
          ].join(" "),
        );
        // Every round ended every worker's listener, and connections the workers send through.
        expect(rounds.map((r) => r.listeners)).toEqual([4, 4, 4, 4, 4]);
        expect(rounds.every((r) => r.outbox > 0)).toBe(true);
        expect(attemptsWithoutEvent).toBe(0);
        expect(notOneSentEvent).toBe(0);
      } finally {
        await admin.end();
      }
    },
  );
});
