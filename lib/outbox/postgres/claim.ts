// How the PostgreSQL engine claims, in one transaction: the oldest due messages are locked with
// FOR UPDATE SKIP LOCKED (two workers never wait for, or take, the same message); their accounts
// are then locked in id order, so each account's usage is counted and its pace taken by one
// claim at a time across every worker and machine: a daily limit of N never sends N + 1.
import { sendVersion } from "../send-version";
import type pg from "pg";
import {
  allowanceLeft,
  fits,
  formatSlot,
  quotaWaitReason,
  sendingLimitsFor,
  slotFor,
  tooManyRecipientsReason,
  type SentInWindow,
} from "../../sending/sending-limits";
import { newId } from "../new-id";
import type { ClaimedMessage, ClaimRequest } from "../outbox";
import { insertEvents, type EventRow } from "./events";
import { prepared } from "./prepared";

const CANDIDATES = prepared(
  "claim_candidates",
  `SELECT m.id, m.status, m."accountId", m."recipientCount"
   FROM "Message" m JOIN "Account" a ON a.id = m."accountId"
   WHERE ((m.status IN ('queued', 'deferred') AND m."nextAttemptAt" <= $1)
          OR (m.status = 'sending' AND m."lockedUntil" < $1))
     AND a."reconnectReason" IS NULL AND (a."nextSendAt" IS NULL OR a."nextSendAt" <= $1)
   ORDER BY m."nextAttemptAt", m.id
   LIMIT $2
   FOR UPDATE OF m SKIP LOCKED`,
);

const LOCK_ACCOUNTS = prepared(
  "claim_accounts",
  `SELECT id, email, "hostedDomain", "nextSendAt", "reconnectReason", "sendWay",
          "appPasswordAddedAt" FROM "Account"
   WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`,
);

const USAGE = prepared(
  "claim_usage",
  `SELECT "accountId", COUNT(*)::int AS messages,
          COALESCE(SUM("recipientCount"), 0)::int AS recipients
   FROM "Message"
   WHERE "accountId" = ANY($1)
     AND ("sentAt" > $2 OR (status = 'sending' AND "lockedUntil" >= $3))
   GROUP BY "accountId"`,
);

const SENT_LOG = prepared(
  "claim_sent_log",
  `SELECT "sentAt", "recipientCount" AS recipients FROM "Message"
   WHERE "accountId" = $1 AND "sentAt" > $2 ORDER BY "sentAt", id`,
);

const LEASE = prepared(
  "claim_lease",
  `WITH leased AS (
     UPDATE "Message" SET status = 'sending', "lockedBy" = $2, "lockedUntil" = $3,
       attempts = attempts + 1, "updatedAt" = $4
     WHERE id = ANY($1)
     RETURNING id, "accountId", "fromAddress", "messageIdHeader", "to", cc, bcc, attempts,
       "createdAt", "sizeBytes"),
   attempt AS (
     INSERT INTO "MessageEvent" (id, "messageId", type, status, detail, "createdAt")
     SELECT e.id, leased.id, 'attempt', 'sending',
       'Attempt ' || leased.attempts ||
         CASE WHEN e.recovered THEN ' (the previous worker stopped mid-send)' ELSE '' END,
       $4
     FROM leased JOIN unnest($1::text[], $5::text[], $6::bool[]) AS e("messageId", id, recovered)
       ON e."messageId" = leased.id)
   SELECT leased.*, c.mime, c."contentId" FROM leased
   JOIN "MessageContent" c ON c."messageId" = leased.id`,
);

interface Candidate {
  id: string;
  status: string;
  accountId: string;
  recipientCount: number;
}

interface LockedAccount {
  id: string;
  email: string;
  hostedDomain: string | null;
  nextSendAt: Date | null;
  reconnectReason: string | null;
  sendWay: string;
  appPasswordAddedAt: Date | null;
}

interface Usage {
  accountId: string;
  messages: number;
  recipients: number;
}

export async function claimDue(
  client: pg.PoolClient,
  request: ClaimRequest,
): Promise<ClaimedMessage[]> {
  const { now, max } = request;
  const candidates = (await client.query<Candidate>(CANDIDATES([now, max]))).rows;
  if (candidates.length === 0) return [];

  const accountIds = [...new Set(candidates.map((c) => c.accountId))].sort();
  // Locked in id order (no deadlock between claims); read after the lock, so a pace or pause
  // another worker just committed is seen. NO KEY UPDATE: claims still take an account one at a
  // time, but accepting a message (whose foreign key takes KEY SHARE on its account) never
  // waits for a claim.
  const accounts = (await client.query<LockedAccount>(LOCK_ACCOUNTS([accountIds]))).rows;
  const since = new Date(now.getTime() - request.limits.windowMs);
  // Sent in the window plus live claims: one statement, so one snapshot, after the locks.
  const usage = new Map(
    (await client.query<Usage>(USAGE([accountIds, since, now]))).rows.map((u) => [u.accountId, u]),
  );

  const toClaim: { candidate: Candidate; account: LockedAccount }[] = [];
  const toFail: { id: string; reason: string }[] = [];
  const events: EventRow[] = [];
  for (const account of accounts) {
    if (account.reconnectReason || (account.nextSendAt && account.nextSendAt > now)) continue;
    const limits = sendingLimitsFor(account, request.limits);
    const mine = candidates.filter((c) => c.accountId === account.id);
    // A message with more recipients than the whole limit could wait forever: fail it now.
    const sendable = mine.filter((c) => {
      if (c.recipientCount <= limits.recipientLimit) return true;
      toFail.push({ id: c.id, reason: tooManyRecipientsReason(c.recipientCount, limits) });
      return false;
    });
    const next = sendable[0];
    if (!next) continue;
    const used = usage.get(account.id) ?? { messages: 0, recipients: 0 };
    let left = allowanceLeft(limits, used);
    if (!fits(left, next.recipientCount)) {
      // The account waits until its window frees enough; its messages stay queued. Messages
      // being sent may hold what it needs instead: their outcome decides, at a later claim.
      const log = await sentLog(client, account.id, since);
      const slot = slotFor(limits, left, next.recipientCount, now, log);
      if (!slot) continue;
      const reason = quotaWaitReason(limits, used, next.recipientCount, slot);
      await client.query(
        `UPDATE "Account" SET "nextSendAt" = $2, "pauseReason" = $3, "updatedAt" = $4 WHERE id = $1`,
        [account.id, slot, reason, now],
      );
      events.push({
        messageId: next.id,
        type: "waiting",
        status: "queued",
        detail: `Waiting for quota, next slot at ${formatSlot(slot)}`,
      });
      continue;
    }
    if (limits.paceMs > 0) {
      await client.query(
        `UPDATE "Account" SET "nextSendAt" = $2, "pauseReason" = NULL, "updatedAt" = $3 WHERE id = $1`,
        [account.id, new Date(now.getTime() + limits.paceMs), now],
      );
    }
    // A paced account starts one message per slot; oldest first, a message that does not fit
    // waits, and so do the ones behind it.
    for (const candidate of sendable.slice(0, limits.paceMs > 0 ? 1 : sendable.length)) {
      if (left.messages < 1 || candidate.recipientCount > left.recipients) break;
      toClaim.push({ candidate, account });
      left = {
        messages: left.messages - 1,
        recipients: left.recipients - candidate.recipientCount,
      };
    }
  }

  if (toFail.length > 0) {
    await client.query(
      `UPDATE "Message" m SET status = 'failed', "lastError" = f.reason, "lockedUntil" = NULL,
         "lockedBy" = NULL, "updatedAt" = $3
       FROM unnest($1::text[], $2::text[]) AS f(id, reason) WHERE m.id = f.id`,
      [toFail.map((f) => f.id), toFail.map((f) => f.reason), now],
    );
    events.push(
      ...toFail.map((f) => ({
        messageId: f.id,
        type: "failed",
        status: "failed",
        detail: f.reason,
      })),
    );
  }

  await insertEvents(client, events, now);
  return lease(client, toClaim, request);
}

/** The account's sends in the window, oldest first (about a daily limit of rows at most). */
async function sentLog(
  client: pg.PoolClient,
  accountId: string,
  since: Date,
): Promise<SentInWindow[]> {
  const { rows } = await client.query<SentInWindow>(SENT_LOG([accountId, since]));
  return rows;
}

interface LeasedRow {
  id: string;
  accountId: string;
  fromAddress: string;
  messageIdHeader: string;
  to: string[];
  cc: string[];
  bcc: string[];
  attempts: number;
  createdAt: Date;
  sizeBytes: number;
  mime: Buffer;
  contentId: string | null;
}

/**
 * Leases the chosen messages (each still locked by this transaction), writes their "attempt"
 * events and reads their MIME, in one statement.
 */
async function lease(
  client: pg.PoolClient,
  chosen: { candidate: Candidate; account: LockedAccount }[],
  request: ClaimRequest,
): Promise<ClaimedMessage[]> {
  if (chosen.length === 0) return [];
  const { rows } = await client.query<LeasedRow>(
    LEASE([
      chosen.map((c) => c.candidate.id),
      request.workerId,
      request.lockedUntil,
      request.now,
      chosen.map(() => newId()),
      chosen.map((c) => c.candidate.status === "sending"),
    ]),
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  // In the order chosen: oldest first. Accepting writes message and MIME in one transaction, so
  // a message without its MIME means a damaged database: the claim is undone.
  return chosen.map(({ candidate, account }) => {
    const row = byId.get(candidate.id);
    if (!row) throw new Error(`Message ${candidate.id} has no stored MIME.`);
    const { sizeBytes, contentId, mime, ...leased } = row;
    return {
      ...leased,
      mime: contentId ? { contentId, size: sizeBytes } : mime,
      account: {
        id: account.id,
        email: account.email,
        sendVersion: sendVersion(account.sendWay, account.appPasswordAddedAt),
      },
      lockedBy: request.workerId,
    };
  });
}
