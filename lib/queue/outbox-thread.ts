// The outbox's database thread: owns one SQLite connection and runs the outbox's hot path
// (lib/queue/outbox-ops.ts) on it, so commits, fsyncs and checkpoints never block the main
// thread's event loop. Started by lib/queue/outbox-client.ts; answers each request by its id.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { DURABLE_SYNCHRONOUS } from "./group-commit";
import { outboxOps, type OutboxOps } from "./outbox-ops";
import type { OutboxReply, OutboxRequest } from "./outbox-protocol";

if (!parentPort) throw new Error("lib/queue/outbox-thread.ts runs as a worker thread.");
const port = parentPort;

const conn = new Database((workerData as { file: string }).file, { timeout: 10_000 });
conn.pragma("journal_mode = WAL");
conn.pragma(`synchronous = ${DURABLE_SYNCHRONOUS}`);
conn.pragma("foreign_keys = ON");
const ops: OutboxOps = outboxOps(conn);
const call = ops as unknown as Record<string, (...args: unknown[]) => unknown>;

/** Replies settled in one turn go back in one message. */
let replies: OutboxReply[] = [];
function reply(message: OutboxReply): void {
  if (replies.push(message) === 1) {
    queueMicrotask(() => {
      const batch = replies;
      replies = [];
      port.postMessage(batch);
    });
  }
}

port.on("message", (requests: OutboxRequest[]) => {
  for (const request of requests) handle(request);
});

function handle(request: OutboxRequest): void {
  if (request.op === "ready") {
    reply({ id: request.id, value: null });
    return;
  }
  if (request.op === "close") {
    conn.close();
    port.postMessage([{ id: request.id, value: null }] satisfies OutboxReply[]);
    port.close();
    return;
  }
  let pending: Promise<unknown>;
  try {
    const op = call[request.op];
    if (typeof op !== "function") throw new Error(`Unknown outbox operation: ${request.op}`);
    pending = Promise.resolve(op(...request.args.map(fromWire)));
  } catch (error) {
    pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  pending.then(
    (value) => reply({ id: request.id, value }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      reply({
        id: request.id,
        error: { name: e.name, message: e.message, code: (e as { code?: string }).code },
      });
    },
  );
}

/** Buffers arrive as plain Uint8Arrays; SQLite binds only Buffers as BLOBs. */
function fromWire(value: unknown): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value && typeof value === "object" && !(value instanceof Date) && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}
