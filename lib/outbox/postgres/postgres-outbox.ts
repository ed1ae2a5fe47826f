// The PostgreSQL engine of the outbox, for web processes and workers on any number of machines
// sharing one database. Each operation is one transaction on the engine's own pool (its size is
// DATABASE_POOL_SIZE): a status change and its event commit together. Claims lock with
// FOR UPDATE SKIP LOCKED (claim.ts); "something is due" travels by LISTEN/NOTIFY
// (due-listener.ts); the history's reads go through Prisma.
import type { Readable } from "node:stream";
import type pg from "pg";
import type { Db } from "../../db";
import { openPostgresPool } from "../../postgres/pool";
import { onDue, signalDue } from "../due-signal";
import type { MessageStatus } from "../message-status";
import type { MessageDetail, MessagePage } from "../message-views";
import type {
  AcceptResult,
  ClaimedMessage,
  ClaimRequest,
  ControlResult,
  Lease,
  ListOptions,
  NewMessage,
  Outbox,
  Outcome,
  OutcomeResult,
  UploadRecord,
} from "../outbox";
import { mimeStream } from "../content-stream";
import * as content from "./content";
import { readMessage, readMessageMime, readMessagePage } from "../read-messages";
import { claimDue } from "./claim";
import { DueListener, DUE_CHANNEL, PROCESS_TAG } from "./due-listener";
import { acceptMessages } from "./accept";
import { insertEvents, stableEventIds, type EventIds } from "./events";
import { Batcher, togetherOrAlone, type Settled } from "./batcher";

type Sender = { id: string; email: string };
import { recordOutcome, recordSent, type SentOutcome } from "./record";
import { inTransaction, isConnectionError, retryOnConnectionError } from "./transaction";
import { prepared } from "./prepared";

const SENDERS = prepared(
  "senders",
  `SELECT DISTINCT ON ("userId") "userId", id, email FROM "Account"
   WHERE "userId" = ANY($1) AND provider = 'google'
   ORDER BY "userId", "createdAt"`,
);

const RENEW = prepared(
  "renew",
  `UPDATE "Message" SET "lockedUntil" = $3, "updatedAt" = $4
   WHERE id = $1 AND status = 'sending' AND "lockedBy" = $2`,
);

const NOTIFY = prepared("notify", `SELECT pg_notify($1, $2)`);

/**
 * A batch of accepts holds its senders' user rows until its commit is flushed: it stays small
 * enough to be quick, and its MIME bounded (one message may be up to Gmail's 25 MB).
 */
const ACCEPT_BATCH = { items: 100, bytes: 16 * 2 ** 20 };
const SENT_BATCH = { items: 200 };

export class PostgresOutbox implements Outbox {
  private readonly pool: pg.Pool;
  private readonly listener: DueListener;
  private closing: Promise<void> | undefined;
  private readonly accepts: Batcher<NewMessage, AcceptResult>;
  private readonly senders = new Batcher((userIds: string[]) => this.sendersOf(userIds), {
    items: 200,
  });
  private readonly sent: Batcher<{ outcome: SentOutcome; eventIds: EventIds }, void>;
  private notifying = false;
  private notifyAgain = false;

  constructor(
    url: string,
    private readonly prisma: () => Promise<Db>,
    options: { poolSize: number },
  ) {
    this.pool = openPostgresPool(url, { max: options.poolSize, name: "mailroom-outbox" });
    this.listener = new DueListener(url);
    this.accepts = new Batcher((messages) => this.acceptTogether(messages), {
      ...ACCEPT_BATCH,
      size: (message) => (Buffer.isBuffer(message.mime) ? message.mime.length : 0),
    });
    this.sent = new Batcher(
      (items) =>
        // The rows a retry writes are the same (one time, the same event ids), so a first try
        // that committed unheard is not doubled.
        retryOnConnectionError(() =>
          togetherOrAlone(
            items,
            async (batch) => {
              await this.recordSentAlone(batch);
              return batch.map(() => undefined);
            },
            (item) => this.recordSentAlone([item]),
            isConnectionError,
          ),
        ),
      SENT_BATCH,
    );
  }

  async ready(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  senderOf(userId: string): Promise<Sender | null> {
    return this.senders.submit(userId);
  }

  /** Each user's first connected Google account, for the users asked about together. */
  private async sendersOf(userIds: string[]): Promise<Settled<Sender | null>[]> {
    const { rows } = await this.pool.query<Sender & { userId: string }>(
      SENDERS([[...new Set(userIds)]]),
    );
    const byUser = new Map(rows.map(({ userId, ...sender }) => [userId, sender]));
    return userIds.map((userId) => ({ ok: true, value: byUser.get(userId) ?? null }));
  }

  /**
   * Message, MIME and "queued" event in one durable commit, shared with the accepts that arrive
   * while the previous commit is being written (group commit); every worker is notified after.
   */
  accept(message: NewMessage): Promise<AcceptResult> {
    return this.accepts.submit(message);
  }

  private async acceptTogether(messages: NewMessage[]) {
    const settled = await togetherOrAlone(
      messages,
      (batch) => inTransaction(this.pool, (client) => acceptMessages(client, batch, new Date())),
      async (message) => {
        const [result] = await inTransaction(this.pool, (client) =>
          acceptMessages(client, [message], new Date()),
        );
        if (!result) throw new Error("outbox: an accept returned no result");
        return result;
      },
      isConnectionError,
    );
    if (settled.some((s) => s.ok && "id" in s.value)) this.signalDue();
    return settled;
  }

  async claim(request: ClaimRequest): Promise<ClaimedMessage[]> {
    if (request.max < 1) return [];
    // The lease need not reach the disk first: if a server crash undoes it, the message is
    // simply claimable again, as after any crash. Nor does the claim hold its accounts' locks
    // through a disk flush.
    return inTransaction(this.pool, (client) => claimDue(client, request), { durable: false });
  }

  async renew(lease: Lease): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      RENEW([lease.messageId, lease.workerId, lease.until, new Date()]),
    );
    return rowCount === 1;
  }

  /**
   * The outcome and its event(s) in one transaction. Retried when the connection fails: a 250
   * not recorded would otherwise be sent again once its lease ran out. Every try writes the same
   * rows (one time, the same event ids), so a first try that committed unheard is not doubled.
   * A 250 is committed at once but not flushed on its own: a server crash before the next
   * durable commit can only undo the record, and the message is sent again (at least once).
   * Every other outcome is durable.
   */
  async record(outcome: Outcome): Promise<OutcomeResult> {
    const eventIds = stableEventIds();
    if (outcome.kind === "sent") {
      await this.sent.submit({ outcome, eventIds });
      return {};
    }
    const now = new Date();
    return retryOnConnectionError(() =>
      inTransaction(this.pool, (client) => recordOutcome(client, outcome, now, eventIds)),
    );
  }

  /** 250s, committed at once but not flushed on their own (see record()). */
  private recordSentAlone(sent: { outcome: SentOutcome; eventIds: EventIds }[]): Promise<void> {
    return inTransaction(this.pool, (client) => recordSent(client, sent), { durable: false });
  }

  cancel(userId: string, messageId: string): Promise<ControlResult> {
    return this.control(
      `UPDATE "Message" SET status = 'canceled', "lockedBy" = NULL, "lockedUntil" = NULL,
         "updatedAt" = $3
       WHERE id = $1 AND "userId" = $2 AND status IN ('queued', 'deferred')`,
      { userId, messageId },
      { type: "canceled", status: "canceled", detail: "Canceled by the sender" },
    );
  }

  async retryNow(userId: string, messageId: string): Promise<ControlResult> {
    const result = await this.control(
      `UPDATE "Message" SET "nextAttemptAt" = $3, "updatedAt" = $3
       WHERE id = $1 AND "userId" = $2 AND status = 'deferred'`,
      { userId, messageId },
      { type: "retry_requested", status: "deferred", detail: "Retry requested by the sender" },
    );
    if (result.done) this.signalDue();
    return result;
  }

  /** A sender's change to their message: the conditional update and its event, or why not. */
  private control(
    update: string,
    target: { userId: string; messageId: string },
    event: { type: string; status: MessageStatus; detail: string },
  ): Promise<ControlResult> {
    return inTransaction(this.pool, async (client) => {
      const now = new Date();
      const { rowCount } = await client.query(update, [target.messageId, target.userId, now]);
      if (rowCount === 0) {
        const { rows } = await client.query<{ status: MessageStatus }>(
          `SELECT status FROM "Message" WHERE id = $1 AND "userId" = $2`,
          [target.messageId, target.userId],
        );
        const status = rows[0]?.status;
        return status ? { done: false, status } : { done: false, missing: true };
      }
      await insertEvents(client, [{ messageId: target.messageId, ...event }], now);
      return { done: true };
    });
  }

  async requeueExpired(now = new Date()): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string; lockedBy: string | null }>(
        `UPDATE "Message" m SET status = 'queued', "lockedBy" = NULL, "lockedUntil" = NULL,
           "nextAttemptAt" = $1, "updatedAt" = $1
         FROM (SELECT id, "lockedBy" FROM "Message"
               WHERE status = 'sending' AND "lockedUntil" < $1 FOR UPDATE SKIP LOCKED) old
         WHERE m.id = old.id
         RETURNING m.id, old."lockedBy"`,
        [now],
      );
      await insertEvents(
        client,
        rows.map((m) => ({
          messageId: m.id,
          type: "recovered",
          status: "queued",
          detail: `Requeued: worker ${m.lockedBy ?? "?"} stopped mid-send`,
        })),
        now,
      );
      return rows.length;
    });
  }

  async get(userId: string, messageId: string): Promise<MessageDetail | null> {
    return readMessage(await this.prisma(), userId, messageId);
  }

  async raw(userId: string, messageId: string): Promise<Readable | null> {
    const mime = await readMessageMime(await this.prisma(), userId, messageId);
    return mime && mimeStream(this, mime);
  }

  writeChunk(ownerId: string, seq: number, data: Buffer): Promise<void> {
    return content.writeChunk(this.pool, ownerId, seq, data);
  }

  readChunk(ownerId: string, seq: number): Promise<Buffer | null> {
    return content.readChunk(this.pool, ownerId, seq);
  }

  deleteContent(ownerId: string): Promise<void> {
    return content.deleteContent(this.pool, ownerId);
  }

  addUpload(upload: UploadRecord): Promise<void> {
    return content.addUpload(this.pool, upload);
  }

  uploadsOf(userId: string, ids: string[]): Promise<UploadRecord[]> {
    return content.uploadsOf(this.pool, userId, ids);
  }

  uploadedBytes(userId: string): Promise<number> {
    return content.uploadedBytes(this.pool, userId);
  }

  deleteUploads(userId: string, ids: string[]): Promise<void> {
    return content.deleteUploads(this.pool, userId, ids);
  }

  sweepContent(uploadsBefore: Date, orphansBefore: Date): Promise<number> {
    return content.sweepContent(this.pool, uploadsBefore, orphansBefore);
  }

  async list(userId: string, options: ListOptions = {}): Promise<MessagePage> {
    return readMessagePage(await this.prisma(), userId, options);
  }

  /** Listening starts with the first listener: a web-only process holds no such connection. */
  onDue(listener: () => void): () => void {
    this.listener.start();
    return onDue(listener);
  }

  /** Wakes this process's worker at once and every other process's through NOTIFY. */
  signalDue(): void {
    signalDue();
    this.notifyOtherProcesses();
  }

  /**
   * NOTIFY on its own, after the change it announces has committed (it writes nothing, so it
   * waits for no disk flush). Signals that come while one is on its way are sent as one more
   * after it. A lost notification costs at most a poll interval.
   */
  private notifyOtherProcesses(): void {
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    void (async () => {
      do {
        this.notifyAgain = false;
        await this.pool
          .query(NOTIFY([DUE_CHANNEL, PROCESS_TAG]))
          .catch((error: Error) =>
            console.error(`outbox: could not notify workers: ${error.message}`),
          );
      } while (this.notifyAgain && !this.closing);
      this.notifying = false;
    })();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.listener.stop();
      await this.pool.end();
    })();
    return this.closing;
  }
}
