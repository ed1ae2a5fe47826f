// The outbox worker: claims due messages in batches and delivers them, up to `concurrency` at a
// time, until stopped. The database going away (a restart, a killed connection) does not stop
// it: starting is retried, claims pause with backoff, and each failing step is logged once and
// then every 30 s until it works again.
import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { db } from "../db";
import { env } from "../env";
import { doublingDelayMs } from "../errors/doubling-delay";
import { oneLine } from "../errors/one-line";
import { repeatedFailureLog } from "../errors/repeated-failure-log";
import { closeAllTransports } from "../mail/transport-pool";
import { outbox } from "../outbox/open-outbox";
import { sweepContent } from "../uploads/sweep-content";
import { claimMessages } from "./claim-messages";
import { deliverMessage } from "./deliver-message";

/** Longest pause between attempts to start, and between claims while claiming fails. */
const START_RETRY_MAX_MS = 30_000;
const CLAIM_RETRY_MAX_MS = 10_000;

export interface WorkerHandle {
  id: string;
  stop(): Promise<void>;
}

export async function startWorker(
  options: { concurrency?: number; pollMs?: number; log?: (line: string) => void } = {},
): Promise<WorkerHandle> {
  const prisma = await db();
  const store = await outbox();
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? env().WORKER_CONCURRENCY;
  const pollMs = options.pollMs ?? 1000;
  const log = options.log ?? ((line: string) => console.log(line));
  let running = true;

  // The outbox is up before the first claim. A database that is not (yet) usable is waited for.
  let recovered: number;
  for (let failures = 1; ; failures++) {
    try {
      await prisma.workerHeartbeat.upsert({
        where: { id },
        create: { id, host: hostname(), pid: process.pid },
        update: { beatAt: new Date() },
      });
      await store.ready();
      recovered = await store.requeueExpired();
      break;
    } catch (error) {
      const delayMs = doublingDelayMs(failures, START_RETRY_MAX_MS);
      log(`worker ${id}: cannot start yet (${oneLine(error)}); retrying in ${delayMs / 1000} s`);
      await sleep(delayMs);
    }
  }
  const heartbeatFailures = repeatedFailureLog(`worker ${id}: heartbeat`, log);
  const heartbeat = setInterval(() => {
    prisma.workerHeartbeat.update({ where: { id }, data: { beatAt: new Date() } }).then(
      () => heartbeatFailures.succeeded(),
      (error) => heartbeatFailures.failed(error),
    );
  }, 10_000);
  heartbeat.unref();

  // Uploads left unsent and content that belongs to nothing: at start, then hourly.
  const sweepFailures = repeatedFailureLog(`worker ${id}: sweeping stored content`, log);
  const sweep = () =>
    void sweepContent(store).then(
      () => sweepFailures.succeeded(),
      (error) => sweepFailures.failed(error),
    );
  sweep();
  const sweeping = setInterval(sweep, 3_600_000);
  sweeping.unref();

  if (recovered > 0)
    log(`worker ${id}: requeued ${recovered} message(s) left mid-send by a stopped worker`);

  // Up to `concurrency` messages in flight. Claims are batched: free lanes are refilled with one
  // claim once a quarter of them are free (at once when woken or polled).
  const refillAt = Math.max(1, Math.floor(concurrency / 4));
  let inFlight = 0;
  let recording = 0;
  let filling = false;
  let fillAgain = false;
  let refillScheduled = false;
  // After a failed claim, claims wait for this timer (1 s, 2 s, 4 s … up to 10 s).
  let claimRetry: NodeJS.Timeout | undefined;
  let failedClaims = 0;
  const claimFailures = repeatedFailureLog(`worker ${id}: claiming messages`, log);
  const recordFailures = repeatedFailureLog(`worker ${id}: recording a delivery`, log);
  const fill = async () => {
    while (running && inFlight < concurrency) {
      const wanted = concurrency - inFlight;
      const batch = await claimMessages(store, id, wanted);
      for (const message of batch) {
        inFlight++;
        let released = false;
        // The lane frees when the SMTP exchange ends, so the next claim shares a commit with
        // this message's record.
        const release = () => {
          if (released) return;
          released = true;
          inFlight--;
          if (concurrency - inFlight >= refillAt) void runFill();
        };
        recording++;
        deliverMessage(store, message, release)
          .then(
            () => recordFailures.succeeded(),
            (error) => recordFailures.failed(error),
          )
          .finally(() => {
            release();
            recording--;
          });
      }
      if (batch.length < wanted) return;
    }
  };
  /** One fill at a time; a request during a fill runs another pass after it. */
  const runFill = async (): Promise<void> => {
    if (claimRetry) return;
    if (filling) {
      fillAgain = true;
      return;
    }
    filling = true;
    try {
      do {
        fillAgain = false;
        await fill();
      } while (fillAgain && running);
      failedClaims = 0;
      claimFailures.succeeded();
    } catch (error) {
      claimFailures.failed(error);
      failedClaims++;
      claimRetry = setTimeout(
        () => {
          claimRetry = undefined;
          scheduleFill();
        },
        doublingDelayMs(failedClaims, CLAIM_RETRY_MAX_MS),
      );
    } finally {
      filling = false;
    }
  };
  function scheduleFill() {
    if (refillScheduled || !running) return;
    refillScheduled = true;
    setImmediate(() => {
      refillScheduled = false;
      void runFill();
    });
  }
  const stopListening = store.onDue(() => scheduleFill());
  const poll = setInterval(scheduleFill, pollMs);
  const drained = () =>
    new Promise<void>((resolve) => {
      const check = () =>
        inFlight === 0 && recording === 0 && !filling ? resolve() : setTimeout(check, 10);
      check();
    });
  scheduleFill();

  log(`Mailroom worker ${id} started (${concurrency} lanes)`);
  return {
    id,
    async stop() {
      running = false;
      stopListening();
      clearInterval(poll);
      clearTimeout(claimRetry);
      clearInterval(heartbeat);
      clearInterval(sweeping);
      await drained();
      closeAllTransports();
      await prisma.workerHeartbeat.delete({ where: { id } }).catch(() => undefined);
    },
  };
}
