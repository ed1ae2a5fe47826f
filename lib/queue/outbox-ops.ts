// What the outbox's database thread does on its connection: accept a message, claim a batch of
// due messages, record a 250, and the two lookups the main thread needs. Writes are pieces of a
// group commit (lib/queue/group-commit.ts), each whole or not at all.
import type BetterSqlite3 from "better-sqlite3";
import { GroupCommitter } from "./group-commit";
import {
  accountOfUser,
  claimCandidate,
  dueCandidates,
  failMessage,
  insertMessage,
  markSent,
  mimeOf,
  pauseAccount,
  type Candidate,
  type LeasedMessage,
  type NewMessage,
  type SentRecord,
} from "./outbox-sql";
import {
  formatSlot,
  gmailQuotaResumesAt,
  quotaAllowance,
  sendingLimitsFor,
  quotaWaitReason,
  takeSendSlot,
  type LimitSettings,
  type SendingLimits,
} from "./sending-limits";

type Conn = BetterSqlite3.Database;

export interface ClaimRequest {
  workerId: string;
  max: number;
  now: Date;
  lockedUntil: Date;
  limits: LimitSettings;
}

export type OutboxOps = ReturnType<typeof outboxOps>;

export function outboxOps(conn: Conn) {
  const committer = new GroupCommitter(conn);
  return {
    accountOfUser: (userId: string) => accountOfUser(conn, userId),

    /** Durable before it resolves: the caller answers "accepted" only after this. */
    insertMessage: (message: NewMessage) => committer.submit((c) => insertMessage(c, message)),

    /**
     * The lookups, limits and leases happen atomically. The lease need not reach the disk first:
     * if a power cut undoes it, the message is simply claimable again, as after any crash.
     */
    claim: (request: ClaimRequest) =>
      committer.submit((c) => claimDue(c, request), { durable: false }),

    /**
     * Committed at once (a crash before the commit resends the message), but not fsynced on
     * its own: it reaches the disk with the next durable commit. A power cut before then can
     * only undo the record, and the message is sent again (at least once).
     */
    markSent: (record: SentRecord) =>
      committer.submit((c) => markSent(c, record), { durable: false }),

    /** MIME the claiming process does not hold (accepted by another process, or long ago). */
    mimeOf: (ids: string[]) => mimeOf(conn, ids),

    gmailQuotaResumesAt: (accountId: string, windowMs: number, now: Date) =>
      gmailQuotaResumesAt(conn, accountId, windowMs, now),
  };
}

function claimDue(conn: Conn, request: ClaimRequest): LeasedMessage[] {
  const { max, now } = request;
  const claimed: LeasedMessage[] = [];
  // An account found paused or paced drops out of the next lookup, so a few rounds fill the
  // batch from the others.
  for (let round = 0; round < 8 && claimed.length < max; round++) {
    const candidates = dueCandidates(conn, max - claimed.length, now);
    if (candidates.length === 0) break;
    let skipped = false;
    for (const [accountId, list] of groupByAccount(candidates)) {
      const taken = claimForAccount(conn, accountId, list, request);
      claimed.push(...taken);
      if (taken.length < list.length) skipped = true;
    }
    if (!skipped) break;
  }
  return claimed;
}

function groupByAccount(candidates: Candidate[]): Map<string, Candidate[]> {
  const byAccount = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const list = byAccount.get(candidate.accountId) ?? [];
    list.push(candidate);
    byAccount.set(candidate.accountId, list);
  }
  return byAccount;
}

/**
 * Claims, oldest first, the candidates whose recipients fit in what the account's daily limit
 * leaves, under its pace. When the next one does not fit, the account pauses until enough
 * recipients age out of the window; a message larger than the whole limit fails instead.
 */
function claimForAccount(
  conn: Conn,
  accountId: string,
  candidates: Candidate[],
  request: ClaimRequest,
): LeasedMessage[] {
  const first = candidates[0];
  if (!first) return [];
  const { now } = request;
  const limits = sendingLimitsFor(first, request.limits);
  // A message with more recipients than the whole limit could wait forever: fail it now.
  const sendable = candidates.filter((candidate) => {
    if (candidate.recipientCount <= limits.recipientLimit) return true;
    failMessage(conn, candidate.id, tooManyRecipients(candidate, limits), now);
    return false;
  });
  const next = sendable[0];
  if (!next) return [];
  const quota = quotaAllowance(conn, accountId, limits, next.recipientCount, now);
  if ("slot" in quota) {
    // Messages being sent hold what the next one needs: their outcome decides, at a later claim.
    if (!quota.slot) return [];
    // The account waits until its window frees enough; its messages stay queued.
    pauseAccount(
      conn,
      accountId,
      quota.slot,
      quotaWaitReason(limits, quota.used, next.recipientCount, quota.slot),
      {
        messageId: next.id,
        type: "waiting",
        status: "queued",
        detail: `Waiting for quota, next slot at ${formatSlot(quota.slot)}`,
      },
      now,
    );
    return [];
  }
  if (!takeSendSlot(conn, accountId, limits, now)) return [];
  // A paced account starts one message per slot.
  const allowed = limits.paceMs > 0 ? 1 : sendable.length;
  let { messages, recipients } = quota;
  const claimed: LeasedMessage[] = [];
  for (const candidate of sendable.slice(0, allowed)) {
    // Oldest first: a message that does not fit waits, and so do the ones behind it.
    if (messages < 1 || candidate.recipientCount > recipients) break;
    const message = claimCandidate(conn, candidate, request.workerId, request.lockedUntil, now);
    if (!message) continue;
    claimed.push(message);
    messages -= 1;
    recipients -= candidate.recipientCount;
  }
  return claimed;
}

function tooManyRecipients(candidate: Candidate, limits: SendingLimits): string {
  const fmt = (n: number) => n.toLocaleString("en-US");
  return (
    `This message has ${fmt(candidate.recipientCount)} recipients, more than the account's ` +
    `daily limit of ${fmt(limits.recipientLimit)}, so it can never be sent; ` +
    `split it into smaller messages`
  );
}
