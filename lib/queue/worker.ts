// The outbox worker: claims due messages and delivers them, a few at a time, until stopped.
import "server-only";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { db } from "../db";
import { env } from "../env";
import { closeAllTransports } from "../mail/transport-pool";
import { claimNextMessage, recoverExpiredLeases } from "./claim-next-message";
import { deliverMessage } from "./deliver-message";
import { wakeEmitter } from "./wake-workers";

export interface WorkerHandle {
  id: string;
  stop(): Promise<void>;
}

export async function startWorker(
  options: { concurrency?: number; pollMs?: number; log?: (line: string) => void } = {},
): Promise<WorkerHandle> {
  const prisma = await db();
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? env().WORKER_CONCURRENCY;
  const pollMs = options.pollMs ?? 1000;
  const log = options.log ?? ((line: string) => console.log(line));
  let running = true;
  const sleepers = new Set<() => void>();
  const onWake = () => sleepers.forEach((wake) => wake());
  wakeEmitter.on("wake", onWake);

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

  const recovered = await recoverExpiredLeases(prisma);
  if (recovered > 0)
    log(`worker ${id}: requeued ${recovered} message(s) left mid-send by a stopped worker`);

  const lanes = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const message = await claimNextMessage(prisma, id);
        if (message) {
          await deliverMessage(prisma, message);
          continue;
        }
      } catch (error) {
        log(`worker ${id}: ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, pollMs);
        sleepers.add(wake);
      });
    }
  });

  log(`Mailroom worker ${id} started (${concurrency} lanes)`);
  return {
    id,
    async stop() {
      running = false;
      wakeEmitter.off("wake", onWake);
      onWake();
      clearInterval(heartbeat);
      await Promise.all(lanes);
      closeAllTransports();
      await prisma.workerHeartbeat.delete({ where: { id } }).catch(() => undefined);
    },
  };
}
