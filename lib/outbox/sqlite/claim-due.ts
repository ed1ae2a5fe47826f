// How the SQLite engine claims: the oldest due messages, grouped by account, each account within
// its daily limit and pace; an account that cannot send now pauses with the reason. One piece of
// a group commit, so lookups, limits and leases happen atomically.
import type BetterSqlite3 from "better-sqlite3";
import {
  formatSlot,
  quotaWaitReason,
  sendingLimitsFor,
  tooManyRecipientsReason,
} from "../../sending/sending-limits";
import type { ClaimRequest, LeasedMessage } from "../outbox";
import { quotaAllowance, takeSendSlot } from "./quota";
import { claimCandidate, dueCandidates, failMessage, pauseAccount, type Candidate } from "./sql";

type Conn = BetterSqlite3.Database;

export function claimDue(conn: Conn, request: ClaimRequest): LeasedMessage[] {
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
    failMessage(conn, candidate.id, tooManyRecipientsReason(candidate.recipientCount, limits), now);
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
