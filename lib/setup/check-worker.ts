// Setup check: at least one outbox worker alive, by the heartbeat each running worker writes.
import "server-only";
import type { Db } from "../db";
import { oneLine } from "../errors/one-line";
import { HEARTBEAT_STALE_MS, liveWorkers } from "../sending/live-workers";
import type { SetupCheckResult } from "./types";

const TITLE = "Outbox worker";

export async function checkWorker(
  prisma: Db,
  workerSetting: "inline" | "off" | undefined,
  now = new Date(),
): Promise<SetupCheckResult> {
  let workers;
  try {
    workers = await liveWorkers(prisma, now);
  } catch (error) {
    // A database that opens but was never migrated has no heartbeat table.
    return {
      id: "worker",
      title: TITLE,
      status: "fail",
      summary: `Could not read the workers' heartbeats: ${oneLine(error)}.`,
      fix: "Make the database check pass, then run the check again.",
    };
  }
  if (workers.length === 0) {
    const inline = workerSetting !== "off";
    return {
      id: "worker",
      title: TITLE,
      status: "fail",
      summary: `No worker has written a heartbeat in the last ${HEARTBEAT_STALE_MS / 1000} s: nothing is sending.`,
      fix: inline
        ? "Start Mailroom (`npm start`: with MAILROOM_WORKER=inline it sends from the web process), or run `npm run worker`; check its log for why a worker stopped."
        : "MAILROOM_WORKER=off here: run `npm run worker` on a machine with the same DATABASE_URL, and check its log.",
    };
  }
  const newest = workers[0];
  const age = newest
    ? Math.max(0, Math.round((now.getTime() - newest.beatAt.getTime()) / 1000))
    : 0;
  return {
    id: "worker",
    title: TITLE,
    status: "ok",
    summary: `${workers.length} worker${workers.length === 1 ? "" : "s"} alive; the latest heartbeat ${age} s ago.`,
    details: workers.map((w) => `${w.host} (pid ${w.pid})`),
  };
}
