// Runs once when the server starts: validates configuration, starts pruning the audit log and the
// HTTP API's expired idempotency keys, starts the SMTP relay when RELAY_PORT is set, then starts
// the in-process outbox worker (unless MAILROOM_WORKER=off leaves sending to `npm run worker`).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./lib/env");
  const config = env();
  const started = globalThis as unknown as {
    mailroomAuditPruning?: boolean;
    mailroomWorkerStarted?: boolean;
    mailroomRelayStarted?: boolean;
  };
  if (!started.mailroomAuditPruning) {
    started.mailroomAuditPruning = true;
    const { startAuditPruning } = await import("./lib/audit/prune-audit-events");
    startAuditPruning();
    const { startIdempotencyPruning } = await import("./lib/api/idempotency");
    startIdempotencyPruning();
  }
  if (config.RELAY_PORT !== undefined && !started.mailroomRelayStarted) {
    started.mailroomRelayStarted = true;
    const { startRelayInServer } = await import("./lib/relay/start-relay");
    await startRelayInServer();
  }
  if (config.MAILROOM_WORKER !== "inline") return;
  if (started.mailroomWorkerStarted) return;
  started.mailroomWorkerStarted = true;
  const { startWorker } = await import("./lib/sending/worker");
  await startWorker();
}
