// The SQLite engine of the outbox, on the main thread's side: each operation is a typed request
// to the outbox's database thread (thread.ts), which does every write; the history's reads go
// through Prisma. The thread starts on first use and keeps the process alive only while calls
// are outstanding.
import { existsSync } from "node:fs";
import type { Readable } from "node:stream";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { hotRead, type Db } from "../../db";
import { Prisma } from "../../generated/prisma/client";
import type {
  ClaimedMessage,
  ClaimRequest,
  ControlResult,
  Lease,
  ListOptions,
  NewMessage,
  Outbox,
  Outcome,
  AcceptResult,
  MessageMime,
  OutcomeResult,
  UploadRecord,
} from "../outbox";
import { mimeStream } from "../content-stream";
import type { MessageDetail, MessagePage } from "../message-views";
import { readMessage, readMessageMime, readMessagePage } from "../read-messages";
import { onDue, signalDue } from "../due-signal";
import type { ControlRow } from "./sql";
import type { Envelope, OutboxReply, OutboxRequest, OutboxResults } from "./thread-protocol";

interface Waiter {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export class SqliteOutbox implements Outbox {
  private worker: Worker | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private readonly recentMime = new RecentMime();
  /** Requests made in one turn of the event loop go to the thread in one message. */
  private outgoing: Envelope[] = [];
  private closing: Promise<void> | undefined;
  /** Called when the last outstanding call settles. */
  private onIdle: (() => void) | undefined;

  /** `file`: the SQLite database file; `prisma`: the client the read queries use. */
  constructor(
    private readonly file: string,
    private readonly prisma: () => Promise<Db>,
  ) {}

  /** Starts the thread if needed; resolves once it can take work. */
  async ready(): Promise<void> {
    await this.send({ op: "ready" });
  }

  /**
   * Read on this thread, from the read connection (every accept asks it first): a round trip to
   * the database thread would wait behind its commits, 2.5 ms at the median in a busy relay.
   */
  async senderOf(userId: string): Promise<{ id: string; email: string } | null> {
    if (this.closing) throw new Error("The outbox is closed.");
    const [sender] = await hotRead<{ id: string; email: string }>(
      await this.prisma(),
      Prisma.sql`SELECT id, email FROM Account WHERE userId = ${userId} AND provider = 'google'
                 ORDER BY createdAt ASC LIMIT 1`,
    );
    return sender ?? null;
  }

  async accept(message: NewMessage): Promise<AcceptResult> {
    const result = await this.call({ op: "accept", message });
    if ("id" in result) {
      if (Buffer.isBuffer(message.mime)) this.recentMime.remember(result.id, message.mime);
      signalDue();
    }
    return result;
  }

  /**
   * The MIME crosses to the thread once, when the message is accepted: a claim takes it from
   * what this process accepted, and asks the thread only for the rest.
   */
  async claim(request: ClaimRequest): Promise<ClaimedMessage[]> {
    if (request.max < 1) return [];
    const leased = await this.call({ op: "claim", request });
    const held = new Map<string, MessageMime | undefined>(
      leased.map((m) => [m.id, this.recentMime.take(m.id)]),
    );
    const missing = leased.filter((m) => !held.get(m.id)).map((m) => m.id);
    if (missing.length > 0) {
      for (const row of await this.call({ op: "mimeOf", ids: missing })) {
        const mime = row.contentId
          ? { contentId: row.contentId, size: row.size }
          : toBuffer(row.mime);
        held.set(row.id, mime);
      }
    }
    return leased.map((m) => {
      const mime = held.get(m.id);
      // Accepting writes message and MIME in one transaction, so this means a damaged database.
      if (!mime) throw new Error(`Message ${m.id} has no stored MIME.`);
      return { ...m, mime };
    });
  }

  renew(lease: Lease): Promise<boolean> {
    return this.call({ op: "renew", lease });
  }

  record(outcome: Outcome): Promise<OutcomeResult> {
    return this.call({ op: "record", outcome });
  }

  async cancel(userId: string, messageId: string): Promise<ControlResult> {
    return control(await this.call({ op: "cancel", userId, messageId }));
  }

  async retryNow(userId: string, messageId: string): Promise<ControlResult> {
    const result = control(await this.call({ op: "retryNow", userId, messageId }));
    if (result.done) signalDue();
    return result;
  }

  requeueExpired(now = new Date()): Promise<number> {
    return this.call({ op: "requeueExpired", now });
  }

  async get(userId: string, messageId: string): Promise<MessageDetail | null> {
    return readMessage(await this.prisma(), userId, messageId);
  }

  async raw(userId: string, messageId: string): Promise<Readable | null> {
    const mime = await readMessageMime(await this.prisma(), userId, messageId);
    return mime && mimeStream(this, mime);
  }

  async writeChunk(ownerId: string, seq: number, data: Buffer): Promise<void> {
    await this.call({ op: "writeChunk", ownerId, seq, data });
  }

  async readChunk(ownerId: string, seq: number): Promise<Buffer | null> {
    const data = await this.call({ op: "readChunk", ownerId, seq });
    return data && toBuffer(data);
  }

  async deleteContent(ownerId: string): Promise<void> {
    await this.call({ op: "deleteContent", ownerId });
  }

  async addUpload(upload: UploadRecord): Promise<void> {
    await this.call({ op: "addUpload", upload });
  }

  uploadsOf(userId: string, ids: string[]): Promise<UploadRecord[]> {
    return this.call({ op: "uploadsOf", userId, ids });
  }

  uploadedBytes(userId: string): Promise<number> {
    return this.call({ op: "uploadedBytes", userId });
  }

  async deleteUploads(userId: string, ids: string[]): Promise<void> {
    await this.call({ op: "deleteUploads", userId, ids });
  }

  sweepContent(uploadsBefore: Date, orphansBefore: Date): Promise<number> {
    return this.call({ op: "sweepContent", uploadsBefore, orphansBefore });
  }

  async list(userId: string, options: ListOptions = {}): Promise<MessagePage> {
    return readMessagePage(await this.prisma(), userId, options);
  }

  onDue(listener: () => void): () => void {
    return onDue(listener);
  }

  signalDue(): void {
    signalDue();
  }

  /** Waits for outstanding calls, then closes the thread's connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Outstanding writes finish first (a durable one may still be gathering company).
      if (this.waiters.size > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
      const worker = this.worker;
      if (!worker) return;
      const ended = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      await this.send({ op: "close" }).catch(() => undefined);
      await ended;
    })();
    return this.closing;
  }

  private call<R extends OutboxRequest>(request: R): Promise<OutboxResults[R["op"]]> {
    if (this.closing) return Promise.reject(new Error("The outbox's database thread is closed."));
    return this.send(request);
  }

  private send<R extends OutboxRequest>(request: R): Promise<OutboxResults[R["op"]]> {
    const worker = this.start();
    const envelope: Envelope = { ...request, id: this.nextId++ };
    return new Promise<OutboxResults[R["op"]]>((resolve, reject) => {
      // Only outstanding calls keep the process alive.
      if (this.waiters.size === 0) worker.ref();
      this.waiters.set(envelope.id, { resolve, reject });
      if (this.outgoing.push(envelope) === 1) {
        queueMicrotask(() => {
          const batch = this.outgoing;
          this.outgoing = [];
          worker.postMessage(batch);
        });
      }
    });
  }

  private settle(id: number): Waiter | undefined {
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    if (this.waiters.size === 0) {
      this.worker?.unref();
      this.onIdle?.();
    }
    return waiter;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Plain Node.js options: the thread needs no loader flags or conditions of the main thread.
    const worker = new Worker(threadEntry(), { workerData: { file: this.file }, execArgv: [] });
    worker.unref();
    worker.on("message", (replies: OutboxReply[]) => {
      for (const reply of replies) {
        const waiter = this.settle(reply.id);
        if (!waiter) continue;
        // The reply answers the request of the same id, whose result type the caller holds.
        if ("error" in reply) waiter.reject(rebuildError(reply.error));
        else waiter.resolve(reply.value as never);
      }
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiter] of [...this.waiters]) {
        this.settle(id);
        waiter.reject(error);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      fail(new Error(`The outbox's database thread stopped (exit code ${code}).`));
    });
    this.worker = worker;
    return worker;
  }
}

function control(row: ControlRow): ControlResult {
  if (row.done) return row;
  return row.status === null ? { done: false, missing: true } : { done: false, status: row.status };
}

/** The thread's entry file. Under Next.js this module is bundled, so its own path is no guide. */
function threadEntry(): string {
  const name = "thread-entry.mjs";
  const candidates = [
    path.join(import.meta.dirname ?? "", name),
    path.join(process.cwd(), "lib", "outbox", "sqlite", name),
  ];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`Cannot find ${name} (looked in ${candidates.join(", ")}).`);
  return found;
}

function rebuildError(wire: { name: string; message: string; code?: string }): Error {
  const error = new Error(wire.message) as Error & { code?: string };
  error.name = wire.name;
  if (wire.code) error.code = wire.code;
  return error;
}

/**
 * The MIME of messages accepted by this process and not yet claimed: with the in-process worker,
 * most claims then need nothing from the database for it. Bounded; the rest is read back.
 */
class RecentMime {
  private static readonly MAX_BYTES = 32 * 1024 * 1024;
  private static readonly MAX_ONE = 1024 * 1024;
  private readonly buffers = new Map<string, Buffer>();
  private bytes = 0;

  remember(id: string, mime: Buffer): void {
    if (mime.length > RecentMime.MAX_ONE) return;
    this.buffers.set(id, mime);
    this.bytes += mime.length;
    for (const [oldest, buffer] of this.buffers) {
      if (this.bytes <= RecentMime.MAX_BYTES) break;
      this.buffers.delete(oldest);
      this.bytes -= buffer.length;
    }
  }

  take(id: string): Buffer | undefined {
    const mime = this.buffers.get(id);
    if (mime) {
      this.buffers.delete(id);
      this.bytes -= mime.length;
    }
    return mime;
  }
}

/** Buffers come back from the thread as plain Uint8Arrays. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
