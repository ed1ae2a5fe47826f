// Claims due messages for a worker: in one transaction, the oldest due messages are
// leased (status "sending", lockedUntil, worker id) with a conditional update and get their
// "attempt" event; a message whose lease expired (its worker died) is claimable again. Daily
// limits and pacing are enforced here, before anything is sent.
import type BetterSqlite3 from "better-sqlite3";
import { sqliteOf, type Db } from "../db";
import { claimCandidate, dueCandidates, pauseAccount, type Candidate } from "./outbox-sql";
import { formatSlot, quotaAllowance, sendingLimitsFor, takeSendSlot } from "./sending-limits";

export type { ClaimedMessage } from "./outbox-sql";
import type { ClaimedMessage } from "./outbox-sql";

type Conn = BetterSqlite3.Database;

export const LEASE_MS = 2 * 60_000;

/** A claim may wait this long to share its commit with records of finished sends. */
const CLAIM_COMMIT_WITHIN_MS = 4;

/** Leases up to `max` due messages for `workerId`, oldest first. */
export async function claimMessages(
  prisma: Db,
  workerId: string,
  max: number,
  now = new Date(),
): Promise<ClaimedMessage[]> {
  if (max < 1) return [];
  // One piece of a group commit: the lookups, limits and leases happen atomically. The lease
  // need not reach the disk first: if a power cut undoes it, the message is simply claimable
  // again, as after any crash.
  return sqliteOf(prisma).batch(
    (conn) => {
      const claimed: ClaimedMessage[] = [];
      const lockedUntil = new Date(now.getTime() + LEASE_MS);
      // An account found paused or paced drops out of the next lookup, so a few rounds fill
      // the batch from the others.
      for (let round = 0; round < 8 && claimed.length < max; round++) {
        const candidates = dueCandidates(conn, max - claimed.length, now);
        if (candidates.length === 0) break;
        let skipped = false;
        for (const [accountId, list] of groupByAccount(candidates)) {
          const taken = claimForAccount(conn, accountId, list, workerId, lockedUntil, now);
          claimed.push(...taken);
          if (taken.length < list.length) skipped = true;
        }
        if (!skipped) break;
      }
      return claimed;
    },
    { durable: false, withinMs: CLAIM_COMMIT_WITHIN_MS },
  );
}

/** Leases the oldest due message, or null when none is due. */
export async function claimNextMessage(
  prisma: Db,
  workerId: string,
  now = new Date(),
): Promise<ClaimedMessage | null> {
  return (await claimMessages(prisma, workerId, 1, now))[0] ?? null;
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

/** Claims what the account's daily limit and pace allow of its candidates; pauses it when full. */
function claimForAccount(
  conn: Conn,
  accountId: string,
  candidates: Candidate[],
  workerId: string,
  lockedUntil: Date,
  now: Date,
): ClaimedMessage[] {
  const first = candidates[0];
  if (!first) return [];
  const limits = sendingLimitsFor(first);
  const quota = quotaAllowance(conn, accountId, limits, now);
  if ("slot" in quota) {
    // The account waits until its window frees a slot; its messages stay queued.
    const when = formatSlot(quota.slot);
    pauseAccount(
      conn,
      accountId,
      quota.slot,
      `Daily limit of ${limits.dailyLimit} messages reached; next slot at ${when}`,
      {
        messageId: first.id,
        type: "waiting",
        status: "queued",
        detail: `Waiting for quota, next slot at ${when}`,
      },
      now,
    );
    return [];
  }
  if (!takeSendSlot(conn, accountId, limits, now)) return [];
  // A paced account starts one message per slot.
  const allowed = limits.paceMs > 0 ? 1 : quota.allowed;
  const claimed: ClaimedMessage[] = [];
  for (const candidate of candidates.slice(0, allowed)) {
    const message = claimCandidate(conn, candidate, workerId, lockedUntil, now);
    if (message) claimed.push(message);
  }
  return claimed;
}

/** At worker start: messages whose worker died mid-send go back to the queue at once. */
export async function recoverExpiredLeases(prisma: Db, now = new Date()): Promise<number> {
  const stranded = await prisma.message.findMany({
    where: { status: "sending", lockedUntil: { lt: now } },
    select: { id: true, lockedBy: true },
  });
  let recovered = 0;
  for (const m of stranded) {
    recovered += await prisma.$transaction(async (tx) => {
      const updated = await tx.message.updateMany({
        where: { id: m.id, status: "sending", lockedUntil: { lt: now } },
        data: { status: "queued", lockedBy: null, lockedUntil: null, nextAttemptAt: now },
      });
      if (updated.count === 1) {
        await tx.messageEvent.create({
          data: {
            messageId: m.id,
            type: "recovered",
            status: "queued",
            detail: `Requeued: worker ${m.lockedBy ?? "?"} stopped mid-send`,
          },
        });
      }
      return updated.count;
    });
  }
  return recovered;
}
