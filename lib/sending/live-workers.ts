// Which outbox workers are alive: each writes a heartbeat row every 10 s (lib/sending/worker.ts);
// one not written to for a minute belongs to a worker that stopped or lost the database.
import "server-only";
import type { Db } from "../db";

export const HEARTBEAT_STALE_MS = 60_000;

export interface LiveWorker {
  id: string;
  host: string;
  pid: number;
  beatAt: Date;
}

/** The workers whose heartbeat is fresh at `now`, the most recent first. */
export function liveWorkers(prisma: Db, now = new Date()): Promise<LiveWorker[]> {
  return prisma.workerHeartbeat.findMany({
    where: { beatAt: { gt: new Date(now.getTime() - HEARTBEAT_STALE_MS) } },
    orderBy: { beatAt: "desc" },
    select: { id: true, host: true, pid: true, beatAt: true },
  });
}
