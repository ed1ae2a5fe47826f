// The outbox worker: claims due messages in batches and delivers them, up to `concurrency` at a
// time, until stopped.
import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db } from "../db";
import { env } from "../env";
import { closeAllTransports } from "../mail/transport-pool";
import { outbox } from "../outbox/open-outbox";
import { claimMessages } from "./claim-messages";
import { deliverMessage } from "./deliver-message";

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

  await prisma.workerHeartbeat.upsert({
    where: { id },
    create: { id, host: hostname(), pid: process.pid },
    update: { beatAt: new Date() },
  });
  const heartbeat = setInterval(() => {
    prisma.workerHeartbeat
      .update({ where: { id }, data: { beatAt: new Date() } })
      .catch((e: Error) => log(`worker ${id}: heartbeat failed: ${e.message}`));
  }, 10_000);
  heartbeat.unref();

  // The outbox is up before the first claim (it fails here if it cannot start).
  await store.ready();
  const recovered = await store.requeueExpired();
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
          .catch((error: Error) => log(`worker ${id}: ${error.message}`))
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
    } catch (error) {
      log(`worker ${id}: ${(error as Error).message}`);
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
      clearInterval(heartbeat);
      await drained();
      closeAllTransports();
      await prisma.workerHeartbeat.delete({ where: { id } }).catch(() => undefined);
    },
  };
}
