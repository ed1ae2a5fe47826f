// Runs once when the server starts: validates configuration, then starts the in-process
// outbox worker (unless MAILROOM_WORKER=off leaves sending to `npm run worker`).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  const config = env();
  if (config.MAILROOM_WORKER !== "inline") return;
  const globalForWorker = globalThis as unknown as { mailroomWorkerStarted?: boolean };
  if (globalForWorker.mailroomWorkerStarted) return;
  globalForWorker.mailroomWorkerStarted = true;
  const { startWorker } = await import("./lib/queue/worker");
  await startWorker();
}
