// The PostgreSQL engine of the outbox, for web processes and workers on any number of machines
// sharing one database. Each operation is one transaction on the engine's own pool (its size is
// DATABASE_POOL_SIZE): a status change and its event commit together. Claims lock with
// FOR UPDATE SKIP LOCKED (claim.ts); "something is due" travels by LISTEN/NOTIFY
// (due-listener.ts); the history's reads go through Prisma.
import type pg from "pg";
import type { Db } from "../../db";
import { formatSlot } from "../../sending/sending-limits";
import { openPostgresPool } from "../../postgres/pool";
import { onDue, signalDue } from "../due-signal";
import type { MessageStatus } from "../message-status";
import type { MessageDetail, MessagePage } from "../message-views";
import { newId } from "../new-id";
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
} from "../outbox";
import { readMessage, readMessagePage } from "../read-messages";
import { claimDue } from "./claim";
import { DueListener, DUE_CHANNEL, PROCESS_TAG } from "./due-listener";
import { insertEvents, stableEventIds, type EventIds, type EventRow } from "./events";
import { inTransaction, retryOnConnectionError } from "./transaction";

export class PostgresOutbox implements Outbox {
  private readonly pool: pg.Pool;
  private readonly listener: DueListener;
  private closing: Promise<void> | undefined;

  constructor(
    url: string,
    private readonly prisma: () => Promise<Db>,
    options: { poolSize: number },
  ) {
    this.pool = openPostgresPool(url, { max: options.poolSize, name: "mailroom-outbox" });
    this.listener = new DueListener(url);
  }

  async ready(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async senderOf(userId: string): Promise<{ id: string; email: string } | null> {
    const { rows } = await this.pool.query<{ id: string; email: string }>(
      `SELECT id, email FROM "Account" WHERE "userId" = $1 AND provider = 'google'
       ORDER BY "createdAt" LIMIT 1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /**
   * Message, MIME and "queued" event in one commit; every worker is notified just after it.
   * (A NOTIFY inside the transaction would hold PostgreSQL's notification lock through the
   * commit's disk flush, so every accept on the server would flush one after another.)
   */
  async accept(message: NewMessage): Promise<AcceptResult> {
    const result = await inTransaction(this.pool, async (client) => {
      if (message.maxWaiting !== undefined) {
        // The user's row serialises their accepts, so concurrent ones cannot overshoot the cap
        // (NO KEY UPDATE: rows that only reference the user, such as sessions, do not wait).
        await client.query(`SELECT 1 FROM "User" WHERE id = $1 FOR NO KEY UPDATE`, [
          message.userId,
        ]);
        const { rows } = await client.query<{ waiting: number }>(
          `SELECT COUNT(*)::int AS waiting FROM (SELECT 1 FROM "Message"
             WHERE "userId" = $1 AND status IN ('queued', 'deferred', 'sending') LIMIT $2) w`,
          [message.userId, message.maxWaiting],
        );
        const waiting = rows[0]?.waiting ?? 0;
        if (waiting >= message.maxWaiting) return { backlogFull: { waiting } };
      }
      const id = newId();
      const now = new Date();
      await client.query(
        `WITH m AS (
           INSERT INTO "Message" (id, "userId", "accountId", status, source, "messageIdHeader",
             "fromAddress", "to", cc, bcc, subject, "sizeBytes", "recipientCount", attempts,
             "nextAttemptAt", "scheduledAt", "createdAt", "updatedAt")
           VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11,
             $12, 0, COALESCE($13::timestamptz, $15::timestamptz), $13::timestamptz,
             $15::timestamptz, $15::timestamptz)
           RETURNING id)
         INSERT INTO "MessageContent" ("messageId", "textBody", mime)
         SELECT id, $14, $16 FROM m`,
        [
          id,
          message.userId,
          message.accountId,
          message.source,
          message.messageIdHeader,
          message.fromAddress,
          JSON.stringify(message.to),
          JSON.stringify(message.cc),
          JSON.stringify(message.bcc),
          message.subject,
          message.mime.length,
          message.to.length + message.cc.length + message.bcc.length,
          message.scheduledAt ?? null,
          message.textBody,
          now,
          message.mime,
        ],
      );
      await insertEvents(
        client,
        [{ messageId: id, type: "queued", status: "queued", detail: message.queuedDetail }],
        now,
      );
      return { id };
    });
    if ("id" in result) {
      signalDue();
      await this.notifyOtherProcesses();
    }
    return result;
  }

  async claim(request: ClaimRequest): Promise<ClaimedMessage[]> {
    if (request.max < 1) return [];
    // The lease need not reach the disk first: if a server crash undoes it, the message is
    // simply claimable again, as after any crash. Nor does the claim hold its accounts' locks
    // through a disk flush.
    const leased = await inTransaction(this.pool, (client) => claimDue(client, request), {
      durable: false,
    });
    if (leased.length === 0) return [];
    // The leases are committed: a lost connection must not leave them to run out unsent.
    const { rows } = await retryOnConnectionError(() =>
      this.pool.query<{ messageId: string; mime: Buffer }>(
        `SELECT "messageId", mime FROM "MessageContent" WHERE "messageId" = ANY($1)`,
        [leased.map((m) => m.id)],
      ),
    );
    const mimes = new Map(rows.map((row) => [row.messageId, row.mime]));
    return leased.map((m) => {
      const mime = mimes.get(m.id);
      // Accepting writes message and MIME in one transaction, so this means a damaged database.
      if (!mime) throw new Error(`Message ${m.id} has no stored MIME.`);
      return { ...m, mime };
    });
  }

  async renew(lease: Lease): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE "Message" SET "lockedUntil" = $3, "updatedAt" = $4
       WHERE id = $1 AND status = 'sending' AND "lockedBy" = $2`,
      [lease.messageId, lease.workerId, lease.until, new Date()],
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
  record(outcome: Outcome): Promise<OutcomeResult> {
    const now = new Date();
    const eventIds = stableEventIds();
    return retryOnConnectionError(() =>
      inTransaction(this.pool, (client) => recordOutcome(client, outcome, now, eventIds), {
        durable: outcome.kind !== "sent",
      }),
    );
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
    if (result.done) {
      signalDue();
      await this.notifyOtherProcesses();
    }
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
    void this.notifyOtherProcesses();
  }

  /**
   * NOTIFY on its own, after the change it announces has committed (it writes nothing, so it
   * waits for no disk flush). A lost notification costs at most a poll interval.
   */
  private async notifyOtherProcesses(): Promise<void> {
    await this.pool
      .query(`SELECT pg_notify($1, $2)`, [DUE_CHANNEL, PROCESS_TAG])
      .catch((error: Error) => console.error(`outbox: could not notify workers: ${error.message}`));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.listener.stop();
      await this.pool.end();
    })();
    return this.closing;
  }
}

/** The message's status and its event, written together (and, for quota, the account's pause). */
async function recordOutcome(
  client: pg.PoolClient,
  outcome: Outcome,
  now: Date,
  eventIds: EventIds,
): Promise<OutcomeResult> {
  const { messageId } = outcome;
  if (outcome.kind === "sent") {
    await client.query(
      `UPDATE "Message" SET status = 'sent', "sentAt" = $2, "lastSmtpCode" = $3,
         "lastSmtpReply" = $4, "lastError" = NULL, "lockedUntil" = NULL, "lockedBy" = NULL,
         "updatedAt" = $2
       WHERE id = $1`,
      [messageId, outcome.at, outcome.code, outcome.reply],
    );
    const events: EventRow[] = [
      { messageId, type: "sent", status: "sent", smtpCode: outcome.code, smtpReply: outcome.reply },
      ...outcome.rejected.map((rejected) => ({
        messageId,
        type: "recipient_rejected",
        smtpCode: Number(rejected.response?.slice(0, 3)) || null,
        smtpReply: rejected.response ?? null,
        detail: `Gmail refused ${rejected.recipient ?? "a recipient"}`,
      })),
    ];
    await insertEvents(client, events, outcome.at, eventIds);
    return {};
  }

  const answer = {
    smtpCode: outcome.smtpCode ?? null,
    smtpReply: outcome.smtpReply,
    lastError: outcome.lastError ?? null,
  };
  const settle = async (status: MessageStatus, event: string, detail: string, next?: Date) => {
    const hasReply = answer.smtpReply !== undefined;
    await client.query(
      `UPDATE "Message" SET status = $2, "lockedUntil" = NULL, "lockedBy" = NULL,
         "lastError" = $3, "nextAttemptAt" = COALESCE($4::timestamptz, "nextAttemptAt"),
         "lastSmtpCode" = CASE WHEN $5 THEN $6 ELSE "lastSmtpCode" END,
         "lastSmtpReply" = CASE WHEN $5 THEN $7 ELSE "lastSmtpReply" END,
         "updatedAt" = $8
       WHERE id = $1`,
      [
        messageId,
        status,
        answer.lastError,
        next ?? null,
        hasReply,
        answer.smtpCode,
        answer.smtpReply ?? null,
        now,
      ],
    );
    await insertEvents(
      client,
      [
        {
          messageId,
          type: event,
          status,
          smtpCode: answer.smtpCode,
          smtpReply: answer.smtpReply ?? null,
          detail,
        },
      ],
      now,
      eventIds,
    );
  };

  switch (outcome.kind) {
    case "deferred":
      await settle("deferred", "deferred", outcome.detail, outcome.nextAttemptAt);
      return {};
    case "failed":
      await settle("failed", "failed", outcome.detail);
      return {};
    case "paused":
      // Back in the queue, due now: it goes as soon as the account is reconnected.
      await settle("queued", "waiting", outcome.detail, now);
      return {};
    case "quota": {
      // Gmail's own rolling window is full: wait until the oldest send in Mailroom's window ages
      // out (or an hour, when the log does not explain it, e.g. mail sent from Gmail's web UI).
      const since = new Date(now.getTime() - outcome.windowMs);
      const { rows } = await client.query<{ oldest: Date | null }>(
        `SELECT MIN("sentAt") AS oldest FROM "Message" WHERE "accountId" = $1 AND "sentAt" > $2`,
        [outcome.accountId, since],
      );
      const freed = (rows[0]?.oldest?.getTime() ?? 0) + outcome.windowMs;
      const resumeAt = new Date(freed > now.getTime() ? freed : now.getTime() + 3_600_000);
      const slot = formatSlot(resumeAt);
      await client.query(
        `UPDATE "Account" SET "nextSendAt" = $2, "pauseReason" = $3, "updatedAt" = $4 WHERE id = $1`,
        [
          outcome.accountId,
          resumeAt,
          `Gmail's daily sending quota is used up; next slot at ${slot}`,
          now,
        ],
      );
      await settle("deferred", "deferred", `Waiting for quota, next slot at ${slot}`, resumeAt);
      return { resumeAt };
    }
  }
}
