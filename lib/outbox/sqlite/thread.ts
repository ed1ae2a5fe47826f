// The outbox's database thread: owns one SQLite connection and runs every write of the SQLite
// engine on it (thread-ops.ts), so commits, fsyncs and checkpoints never block the main thread's
// event loop. Started by sqlite-outbox.ts; answers each request by its id.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { DURABLE_SYNCHRONOUS } from "./group-commit";
import { threadOps, type Handlers } from "./thread-ops";
import type { Envelope, OutboxReply, OutboxResults } from "./thread-protocol";

if (!parentPort) throw new Error("lib/outbox/sqlite/thread.ts runs as a worker thread.");
const port = parentPort;

const conn = new Database((workerData as { file: string }).file, { timeout: 10_000 });
conn.pragma("journal_mode = WAL");
conn.pragma(`synchronous = ${DURABLE_SYNCHRONOUS}`);
conn.pragma("foreign_keys = ON");
const ops: Handlers = threadOps(conn);

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

port.on("message", (requests: Envelope[]) => {
  for (const request of requests) handle(fromWire(request));
});

function handle(request: Envelope): void {
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
  let pending: Promise<OutboxResults[typeof request.op]>;
  try {
    pending = Promise.resolve(dispatch(request));
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

/** Each request to its handler; the switch keeps the pairing checked by the compiler. */
function dispatch(request: Exclude<Envelope, { op: "ready" | "close" }>) {
  switch (request.op) {
    case "accept":
      return ops.accept(request);
    case "claim":
      return ops.claim(request);
    case "mimeOf":
      return ops.mimeOf(request);
    case "renew":
      return ops.renew(request);
    case "record":
      return ops.record(request);
    case "cancel":
      return ops.cancel(request);
    case "retryNow":
      return ops.retryNow(request);
    case "requeueExpired":
      return ops.requeueExpired(request);
    case "writeChunk":
      return ops.writeChunk(request);
    case "readChunk":
      return ops.readChunk(request);
    case "deleteContent":
      return ops.deleteContent(request);
    case "addUpload":
      return ops.addUpload(request);
    case "uploadsOf":
      return ops.uploadsOf(request);
    case "uploadedBytes":
      return ops.uploadedBytes(request);
    case "deleteUploads":
      return ops.deleteUploads(request);
    case "sweepContent":
      return ops.sweepContent(request);
  }
}

/** Buffers arrive as plain Uint8Arrays; SQLite binds only Buffers as BLOBs. */
function fromWire<T>(value: T): T {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength) as T;
  }
  if (value && typeof value === "object" && !(value instanceof Date) && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)])) as T;
  }
  return value;
}
