// The main thread's side of the outbox's database thread (lib/queue/outbox-thread.ts): typed
// calls that resolve when the thread has done the work (and, for writes, committed it). The
// thread starts on first use and keeps the process alive only while calls are outstanding.
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ClaimRequest, OutboxOps } from "./outbox-ops";
import type { OutboxReply, OutboxRequest } from "./outbox-protocol";
import type { ClaimedMessage, NewMessage, SentRecord } from "./outbox-sql";

/** The user's backlog is full: the message was not accepted. */
export class BacklogFullError extends Error {
  constructor(readonly waiting: number) {
    super(`The user already has ${waiting} messages waiting.`);
    this.name = "BacklogFullError";
  }
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type Result<K extends keyof OutboxOps> = Awaited<ReturnType<OutboxOps[K]>>;

export class OutboxClient {
  private worker: Worker | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private readonly recentMime = new RecentMime();
  /** Requests made in one turn of the event loop go to the thread in one message. */
  private outgoing: OutboxRequest[] = [];
  private closing: Promise<void> | undefined;
  /** Called when the last outstanding call settles. */
  private onIdle: (() => void) | undefined;

  /** `file`: the SQLite database file, shared with Prisma's connection. */
  constructor(private readonly file: string) {}

  /** Starts the thread if needed; resolves once it can take work. */
  async ready(): Promise<void> {
    await this.send({ id: this.nextId++, op: "ready", args: [] });
  }

  accountOfUser(userId: string): Promise<Result<"accountOfUser">> {
    return this.call("accountOfUser", [userId]);
  }

  /**
   * Resolves once message, bodies and "queued" event are durably committed; rejects with
   * BacklogFullError when the user already has `message.maxWaiting` messages waiting.
   */
  async insertMessage(message: NewMessage): Promise<string> {
    const id = await this.call("insertMessage", [message]);
    if (typeof id !== "string") throw new BacklogFullError(id.waiting);
    this.recentMime.remember(id, message.mime);
    return id;
  }

  /**
   * The MIME crosses to the thread once, when the message is accepted: a claim takes it from
   * what this process accepted, and asks the thread only for the rest.
   */
  async claim(request: ClaimRequest): Promise<ClaimedMessage[]> {
    const leased = await this.call("claim", [request]);
    const held = new Map(leased.map((m) => [m.id, this.recentMime.take(m.id)]));
    const missing = leased.filter((m) => !held.get(m.id)).map((m) => m.id);
    if (missing.length > 0) {
      for (const row of await this.call("mimeOf", [missing])) held.set(row.id, toBuffer(row.mime));
    }
    return leased.map((m) => {
      const mime = held.get(m.id);
      // Accepting writes message and MIME in one transaction, so this means a damaged database.
      if (!mime) throw new Error(`Message ${m.id} has no stored MIME.`);
      return { ...m, mime };
    });
  }

  markSent(record: SentRecord): Promise<void> {
    return this.call("markSent", [record]);
  }

  gmailQuotaResumesAt(accountId: string, windowMs: number, now: Date): Promise<Date> {
    return this.call("gmailQuotaResumesAt", [accountId, windowMs, now]);
  }

  /** Waits for outstanding calls, then closes the thread's connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Outstanding writes finish first (a durable one may still be gathering company).
      if (this.waiters.size > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
      const worker = this.worker;
      if (!worker) return;
      const ended = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      await this.send({ id: this.nextId++, op: "close", args: [] }).catch(() => undefined);
      await ended;
    })();
    return this.closing;
  }

  private call<K extends keyof OutboxOps>(op: K, args: unknown[]): Promise<Result<K>> {
    if (this.closing) return Promise.reject(new Error("The outbox's database thread is closed."));
    return this.send({ id: this.nextId++, op, args }) as Promise<Result<K>>;
  }

  private send(request: OutboxRequest): Promise<unknown> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      // Only outstanding calls keep the process alive.
      if (this.waiters.size === 0) worker.ref();
      this.waiters.set(request.id, { resolve, reject });
      if (this.outgoing.push(request) === 1) {
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
        if ("error" in reply) waiter.reject(rebuildError(reply.error));
        else waiter.resolve(reply.value);
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

/** The thread's entry file. Under Next.js this module is bundled, so its own path is no guide. */
function threadEntry(): string {
  const name = "outbox-thread-entry.mjs";
  const candidates = [
    path.join(import.meta.dirname ?? "", name),
    path.join(process.cwd(), "lib", "queue", name),
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
