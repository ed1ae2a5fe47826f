// Every write of the SQLite engine as prepared statements, run by the outbox's database thread
// (thread.ts) on a connection of its own: accepting a message, claiming a batch of due messages
// (within the account's daily limit), renewing a lease, recording an outcome, cancel, retry and
// requeue. The writers run as pieces of a group commit (group-commit.ts), which commits each
// piece whole or not at all. Rows are written exactly as Prisma writes them (ISO dates with
// "+00:00", JSON text, cuid-like ids), so the history reads them through Prisma unchanged; the
// schema-drift test checks these columns against Prisma's schema.
import { sendVersion } from "../send-version";
import type BetterSqlite3 from "better-sqlite3";
import type { SentInWindow } from "../../sending/sending-limits";
import type { MessageStatus } from "../message-status";
import type { EventRow } from "../event-row";
import { mimeSize } from "../content-stream";
import { storedDisplayNames } from "../display-names";
import { newId } from "../new-id";
import { searchTermsOf } from "../search-terms";
import type { AcceptResult, Lease, LeasedMessage, NewMessage, Outcome } from "../outbox";

type Conn = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** A DateTime column value in Prisma's SQLite format. */
function sqlDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

function inBatch(conn: Conn): void {
  if (!conn.inTransaction) throw new Error("Outbox writes run inside GroupCommitter.submit().");
}

const statements = new WeakMap<Conn, ReturnType<typeof prepare>>();

function prepare(conn: Conn) {
  const s = (sql: string): Statement => conn.prepare(sql).safeIntegers(false);
  // The due candidates of one status, oldest first, walking the (status, nextAttemptAt) index.
  const due = (status: string, extra = "") =>
    s(`SELECT m.id, m.status, m.accountId, m.nextAttemptAt, m.recipientCount, a.email,
              a.hostedDomain, a.sendWay, a.appPasswordAddedAt
       FROM Message m JOIN Account a ON a.id = m.accountId
       WHERE m.status = '${status}' AND m.nextAttemptAt <= @now ${extra}
         AND a.reconnectReason IS NULL AND (a.nextSendAt IS NULL OR a.nextSendAt <= @now)
       ORDER BY m.nextAttemptAt LIMIT @limit`);
  return {
    insertMessage: s(`INSERT INTO Message (id, userId, accountId, status, source, messageIdHeader,
                        fromAddress, "to", cc, bcc, displayNames, subject, sizeBytes, recipientCount,
                        attempts, nextAttemptAt, scheduledAt, createdAt, updatedAt)
                      VALUES (@id, @userId, @accountId, 'queued', @source, @messageIdHeader,
                        @fromAddress, @to, @cc, @bcc, @displayNames, @subject, @sizeBytes,
                        @recipientCount, 0,
                        @nextAttemptAt, @scheduledAt, @now, @now)`),
    // Counted on the (userId, status) index, and no further than the cap: a full backlog costs
    // no more to refuse than a short one to accept.
    waitingOfUser: s(`SELECT COUNT(*) FROM (SELECT 1 FROM Message
                        WHERE userId = ? AND status IN ('queued', 'deferred', 'sending') LIMIT ?)`).pluck(),
    insertContent: s(`INSERT INTO MessageContent (messageId, textBody, mime, contentId)
                      VALUES (@id, @textBody, @mime, @contentId)`),
    mime: s(`SELECT c.mime, c.contentId, m.sizeBytes AS size
             FROM MessageContent c JOIN Message m ON m.id = c.messageId WHERE c.messageId = ?`),
    insertSearchTerm: s(`INSERT INTO MessageSearchTerm (messageId, userId, term, createdAt)
                         VALUES (?, ?, ?, ?)`),
    insertEvent: s(`INSERT INTO MessageEvent (id, messageId, type, status, smtpCode, smtpReply,
                      detail, createdAt)
                    VALUES (@id, @messageId, @type, @status, @smtpCode, @smtpReply, @detail, @now)`),
    dueQueued: due("queued"),
    dueDeferred: due("deferred"),
    dueStranded: due("sending", "AND m.lockedUntil < @now"),
    // sentAt is set only when a message is sent, so the (accountId, sentAt) index finds the
    // account's sent log; the window holds at most about a daily limit of rows.
    sentSince: s(`SELECT COUNT(*) AS messages, COALESCE(SUM(recipientCount), 0) AS recipients
                  FROM Message WHERE accountId = ? AND sentAt > ?`),
    inFlight: s(`SELECT COUNT(*) AS messages, COALESCE(SUM(recipientCount), 0) AS recipients
                 FROM Message WHERE accountId = ? AND status = 'sending' AND lockedUntil >= ?`),
    nthSentSince: s(`SELECT sentAt FROM Message WHERE accountId = ? AND sentAt > ?
                     ORDER BY sentAt LIMIT 1 OFFSET ?`),
    // The window's sends, oldest first: read only when the next message does not fit.
    sentLog: s(`SELECT sentAt, recipientCount AS recipients FROM Message
                WHERE accountId = ? AND sentAt > ? ORDER BY sentAt, id`),
    fail: s(`UPDATE Message SET status = 'failed', lastError = @reason, lockedUntil = NULL,
               lockedBy = NULL, updatedAt = @now
             WHERE id = @id AND (status IN ('queued', 'deferred')
                                 OR (status = 'sending' AND lockedUntil < @now))`),
    takeSlot: s(`UPDATE Account SET nextSendAt = @next, pauseReason = NULL, updatedAt = @now
                 WHERE id = @id AND (nextSendAt IS NULL OR nextSendAt <= @now)`),
    pauseAccount: s(`UPDATE Account SET nextSendAt = @until, pauseReason = @reason, updatedAt = @now
                     WHERE id = @id`),
    claim: s(`UPDATE Message SET status = 'sending', lockedBy = @workerId,
                lockedUntil = @lockedUntil, attempts = attempts + 1, updatedAt = @now
              WHERE id = @id AND (status IN ('queued', 'deferred')
                                  OR (status = 'sending' AND lockedUntil < @now))
              RETURNING id, accountId, fromAddress, messageIdHeader, "to", cc, bcc, attempts,
                        createdAt`),
    markSent: s(`UPDATE Message SET status = 'sent', sentAt = @now, lastSmtpCode = @code,
                   lastSmtpReply = @reply, lastError = NULL, lockedUntil = NULL, lockedBy = NULL,
                   updatedAt = @now
                 WHERE id = @id`),
    // An attempt that did not end in a 250: the lease goes, Gmail's reply stays when there was one.
    settle: s(`UPDATE Message SET status = @status, lockedUntil = NULL, lockedBy = NULL,
                 lastError = @lastError, nextAttemptAt = COALESCE(@nextAttemptAt, nextAttemptAt),
                 lastSmtpCode = CASE WHEN @hasReply THEN @smtpCode ELSE lastSmtpCode END,
                 lastSmtpReply = CASE WHEN @hasReply THEN @smtpReply ELSE lastSmtpReply END,
                 updatedAt = @now
               WHERE id = @id`),
    renew: s(`UPDATE Message SET lockedUntil = @until, updatedAt = @now
              WHERE id = @id AND status = 'sending' AND lockedBy = @workerId`),
    // Conditional on the status, so a worker that just claimed the message wins the race.
    cancel: s(`UPDATE Message SET status = 'canceled', lockedBy = NULL, lockedUntil = NULL,
                 updatedAt = @now
               WHERE id = @id AND userId = @userId AND status IN ('queued', 'deferred')`),
    retryNow: s(`UPDATE Message SET nextAttemptAt = @now, updatedAt = @now
                 WHERE id = @id AND userId = @userId AND status = 'deferred'`),
    statusOf: s(`SELECT status FROM Message WHERE id = ? AND userId = ?`).pluck(),
    expired: s(`SELECT id, lockedBy FROM Message WHERE status = 'sending' AND lockedUntil < ?`),
    requeue: s(`UPDATE Message SET status = 'queued', lockedBy = NULL, lockedUntil = NULL,
                  nextAttemptAt = @now, updatedAt = @now
                WHERE id = @id AND status = 'sending' AND lockedUntil < @now`),
    pauseOnly: s(`UPDATE Account SET nextSendAt = @until, pauseReason = @reason, updatedAt = @now
                  WHERE id = @id`),
  };
}

function stmts(conn: Conn) {
  let prepared = statements.get(conn);
  if (!prepared) {
    prepared = prepare(conn);
    statements.set(conn, prepared);
  }
  return prepared;
}

/** `at` is a DateTime column value (sqlDate). */
function insertEvent(conn: Conn, event: EventRow, at: string): void {
  stmts(conn).insertEvent.run({
    id: newId(),
    messageId: event.messageId,
    type: event.type,
    status: event.status ?? null,
    smtpCode: event.smtpCode ?? null,
    smtpReply: event.smtpReply ?? null,
    detail: event.detail ?? null,
    now: at,
  });
}

/**
 * The message, its bodies and its "queued" event (one batch piece, so they commit together);
 * or, when the user's backlog is full, nothing. Counted and written in one transaction, so
 * concurrent accepts (from any process) cannot overshoot the cap.
 */
export function insertMessage(conn: Conn, message: NewMessage, now = new Date()): AcceptResult {
  inBatch(conn);
  const s = stmts(conn);
  if (message.maxWaiting !== undefined) {
    const waiting = s.waitingOfUser.get(message.userId, message.maxWaiting) as number;
    if (waiting >= message.maxWaiting) return { backlogFull: { waiting } };
  }
  const id = newId();
  const at = sqlDate(now);
  s.insertMessage.run({
    id,
    userId: message.userId,
    accountId: message.accountId,
    source: message.source,
    messageIdHeader: message.messageIdHeader,
    fromAddress: message.fromAddress,
    to: JSON.stringify(message.to),
    cc: JSON.stringify(message.cc),
    bcc: JSON.stringify(message.bcc),
    displayNames: storedDisplayNames(message.displayNames),
    subject: message.subject,
    sizeBytes: mimeSize(message.mime),
    recipientCount: message.to.length + message.cc.length + message.bcc.length,
    nextAttemptAt: sqlDate(message.scheduledAt ?? message.firstAttemptAt ?? now),
    scheduledAt: message.scheduledAt ? sqlDate(message.scheduledAt) : null,
    now: at,
  });
  const stored = Buffer.isBuffer(message.mime) ? null : message.mime.contentId;
  s.insertContent.run({
    id,
    textBody: message.textBody,
    // A chunked MIME is read from its chunks; the row keeps no copy.
    mime: stored === null ? message.mime : Buffer.alloc(0),
    contentId: stored,
  });
  for (const term of searchTermsOf(message)) s.insertSearchTerm.run(id, message.userId, term, at);
  insertEvent(
    conn,
    { messageId: id, type: "queued", status: "queued", detail: message.queuedDetail },
    at,
  );
  return { id };
}

export interface Candidate {
  id: string;
  status: string;
  accountId: string;
  nextAttemptAt: string;
  recipientCount: number;
  email: string;
  hostedDomain: string | null;
  sendWay: string;
  appPasswordAddedAt: string | number | null;
}

/** A lease outlives its worker only when the worker died: looking for those once a second is enough. */
const STRANDED_CHECK_MS = 1_000;
const strandedCheckedAt = new WeakMap<Conn, number>();

/** Up to `limit` due messages, oldest first, from accounts that are neither paused nor paced. */
export function dueCandidates(conn: Conn, limit: number, now: Date): Candidate[] {
  const s = stmts(conn);
  const params = { now: sqlDate(now), limit };
  const lookups = [s.dueQueued, s.dueDeferred];
  const checkedAt = strandedCheckedAt.get(conn);
  if (checkedAt === undefined || Math.abs(now.getTime() - checkedAt) >= STRANDED_CHECK_MS) {
    strandedCheckedAt.set(conn, now.getTime());
    lookups.unshift(s.dueStranded);
  }
  // Index-ordered lookups merged here: cheaper than one OR query that sorts every due row.
  const all = lookups.flatMap((stmt) => stmt.all(params) as Candidate[]);
  all.sort((a, b) =>
    a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : 0,
  );
  return all.slice(0, limit);
}

export interface Usage {
  messages: number;
  recipients: number;
}

/** Sends in the rolling window and live claims: what counts against the daily limit. */
export function usedInWindow(
  conn: Conn,
  accountId: string,
  since: Date,
  now: Date,
): { sent: Usage; inFlight: Usage } {
  const s = stmts(conn);
  const sent = s.sentSince.get(accountId, sqlDate(since)) as Usage;
  const inFlight = s.inFlight.get(accountId, sqlDate(now)) as Usage;
  return { sent, inFlight };
}

/** The account's sends after `since`, oldest first (about a daily limit of rows at most). */
export function sentLog(conn: Conn, accountId: string, since: Date): SentInWindow[] {
  const rows = stmts(conn).sentLog.all(accountId, sqlDate(since)) as {
    sentAt: string;
    recipients: number;
  }[];
  return rows.map((row) => ({ sentAt: new Date(row.sentAt), recipients: row.recipients }));
}

/** The `offset`-th oldest send after `since` (0 = the oldest), or null. */
export function nthSentSince(conn: Conn, accountId: string, since: Date, offset: number) {
  const row = stmts(conn).nthSentSince.get(accountId, sqlDate(since), offset) as
    { sentAt: string } | undefined;
  return row ? new Date(row.sentAt) : null;
}

/** Reserves the account's next send under its pace; false when the slot is not free yet. */
export function takeSlot(conn: Conn, accountId: string, next: Date, now: Date): boolean {
  return (
    stmts(conn).takeSlot.run({ id: accountId, next: sqlDate(next), now: sqlDate(now) }).changes ===
    1
  );
}

export function pauseAccount(
  conn: Conn,
  accountId: string,
  until: Date,
  reason: string,
  event: EventRow,
  now: Date,
): void {
  inBatch(conn);
  const at = sqlDate(now);
  stmts(conn).pauseAccount.run({ id: accountId, until: sqlDate(until), reason, now: at });
  insertEvent(conn, event, at);
}

/** Fails a message that can never go out, with the reason on its timeline (one batch piece). */
export function failMessage(conn: Conn, messageId: string, reason: string, now: Date): boolean {
  inBatch(conn);
  const at = sqlDate(now);
  if (stmts(conn).fail.run({ id: messageId, reason, now: at }).changes === 0) return false;
  insertEvent(conn, { messageId, type: "failed", status: "failed", detail: reason }, at);
  return true;
}

interface ClaimedRow {
  id: string;
  accountId: string;
  fromAddress: string;
  messageIdHeader: string;
  to: string;
  cc: string;
  bcc: string;
  attempts: number;
  createdAt: string;
}

/** Leases one candidate and writes its "attempt" event; null when it is no longer claimable. */
export function claimCandidate(
  conn: Conn,
  candidate: Candidate,
  workerId: string,
  lockedUntil: Date,
  now: Date,
): LeasedMessage | null {
  inBatch(conn);
  const s = stmts(conn);
  const at = sqlDate(now);
  const row = s.claim.get({
    id: candidate.id,
    workerId,
    lockedUntil: sqlDate(lockedUntil),
    now: at,
  }) as ClaimedRow | undefined;
  if (!row) return null;
  insertEvent(
    conn,
    {
      messageId: row.id,
      type: "attempt",
      status: "sending",
      detail:
        candidate.status === "sending"
          ? `Attempt ${row.attempts} (the previous worker stopped mid-send)`
          : `Attempt ${row.attempts}`,
    },
    at,
  );
  return {
    id: row.id,
    accountId: row.accountId,
    account: {
      id: row.accountId,
      email: candidate.email,
      sendVersion: sendVersion(candidate.sendWay, candidate.appPasswordAddedAt),
    },
    fromAddress: row.fromAddress,
    messageIdHeader: row.messageIdHeader,
    to: JSON.parse(row.to) as string[],
    cc: JSON.parse(row.cc) as string[],
    bcc: JSON.parse(row.bcc) as string[],
    attempts: row.attempts,
    createdAt: new Date(row.createdAt),
    lockedBy: workerId,
  };
}

/**
 * The stored MIME of each message, in order (a message without content is left out): the bytes,
 * or the chunks' owner and the message's size.
 */
export function mimeOf(
  conn: Conn,
  ids: string[],
): { id: string; mime: Buffer; contentId: string | null; size: number }[] {
  const s = stmts(conn);
  return ids.flatMap((id) => {
    const row = s.mime.get(id) as
      { mime: Buffer; contentId: string | null; size: number } | undefined;
    return row ? [{ id, ...row }] : [];
  });
}

export type SentRecord = Extract<Outcome, { kind: "sent" }>;

/** Marks a message sent, with its Gmail reply and per-recipient rejections (one batch piece). */
export function markSent(conn: Conn, r: SentRecord): void {
  inBatch(conn);
  const at = sqlDate(r.at);
  stmts(conn).markSent.run({ id: r.messageId, code: r.code, reply: r.reply, now: at });
  insertEvent(
    conn,
    {
      messageId: r.messageId,
      type: "sent",
      status: "sent",
      smtpCode: r.code,
      smtpReply: r.reply,
      detail: r.via ? `Sent with ${r.via}` : undefined,
    },
    at,
  );
  for (const rejected of r.rejected) {
    insertEvent(
      conn,
      {
        messageId: r.messageId,
        type: "recipient_rejected",
        smtpCode: Number(rejected.response?.slice(0, 3)) || null,
        smtpReply: rejected.response ?? null,
        detail: `Gmail refused ${rejected.recipient ?? "a recipient"}`,
      },
      at,
    );
  }
}

/** An attempt's end other than a 250, with its event (one batch piece). */
export interface Settlement {
  messageId: string;
  status: "queued" | "deferred" | "failed";
  event: string;
  detail: string;
  nextAttemptAt?: Date;
  smtpCode?: number | null;
  smtpReply?: string;
  lastError?: string;
}

export function settle(conn: Conn, o: Settlement, now: Date): void {
  inBatch(conn);
  const at = sqlDate(now);
  stmts(conn).settle.run({
    id: o.messageId,
    status: o.status,
    lastError: o.lastError ?? null,
    nextAttemptAt: o.nextAttemptAt ? sqlDate(o.nextAttemptAt) : null,
    hasReply: o.smtpReply !== undefined ? 1 : 0,
    smtpCode: o.smtpCode ?? null,
    smtpReply: o.smtpReply ?? null,
    now: at,
  });
  insertEvent(
    conn,
    {
      messageId: o.messageId,
      type: o.event,
      status: o.status,
      smtpCode: o.smtpCode ?? null,
      smtpReply: o.smtpReply ?? null,
      detail: o.detail,
    },
    at,
  );
}

/** Pauses the account's sending until `until`, saying why (no event: the caller writes one). */
export function pauseAccountUntil(
  conn: Conn,
  accountId: string,
  until: Date,
  reason: string,
  now: Date,
): void {
  inBatch(conn);
  stmts(conn).pauseOnly.run({ id: accountId, until: sqlDate(until), reason, now: sqlDate(now) });
}

export function renewLease(conn: Conn, lease: Lease, now: Date): boolean {
  inBatch(conn);
  const s = stmts(conn);
  const params = { id: lease.messageId, workerId: lease.workerId, until: sqlDate(lease.until) };
  return s.renew.run({ ...params, now: sqlDate(now) }).changes === 1;
}

/** What cancel or retry did: done, or the status that refused it (null: no such message). */
export type ControlRow = { done: true } | { done: false; status: MessageStatus | null };

function refusal(conn: Conn, userId: string, messageId: string): ControlRow {
  const status = stmts(conn).statusOf.get(messageId, userId) as MessageStatus | undefined;
  return { done: false, status: status ?? null };
}

export function cancelMessage(
  conn: Conn,
  userId: string,
  messageId: string,
  now: Date,
): ControlRow {
  return controlMessage(
    conn,
    stmts(conn).cancel,
    { userId, messageId, now },
    {
      type: "canceled",
      status: "canceled",
      detail: "Canceled by the sender",
    },
  );
}

export function retryMessageNow(
  conn: Conn,
  userId: string,
  messageId: string,
  now: Date,
): ControlRow {
  return controlMessage(
    conn,
    stmts(conn).retryNow,
    { userId, messageId, now },
    {
      type: "retry_requested",
      status: "deferred",
      detail: "Retry requested by the sender",
    },
  );
}

/** A sender's change to their message: the conditional update, then its event, or why not. */
function controlMessage(
  conn: Conn,
  update: Statement,
  target: { userId: string; messageId: string; now: Date },
  event: { type: string; status: MessageStatus; detail: string },
): ControlRow {
  inBatch(conn);
  const { userId, messageId } = target;
  const at = sqlDate(target.now);
  if (update.run({ id: messageId, userId, now: at }).changes === 0) {
    return refusal(conn, userId, messageId);
  }
  insertEvent(conn, { messageId, ...event }, at);
  return { done: true };
}

/** Messages whose lease ran out (their worker died) go back to the queue, each with an event. */
export function requeueExpired(conn: Conn, now: Date): number {
  inBatch(conn);
  const s = stmts(conn);
  const at = sqlDate(now);
  const stranded = s.expired.all(at) as { id: string; lockedBy: string | null }[];
  let requeued = 0;
  for (const m of stranded) {
    if (s.requeue.run({ id: m.id, now: at }).changes === 0) continue;
    const detail = `Requeued: worker ${m.lockedBy ?? "?"} stopped mid-send`;
    insertEvent(conn, { messageId: m.id, type: "recovered", status: "queued", detail }, at);
    requeued++;
  }
  return requeued;
}
