// Claims due messages for a worker: in one transaction, the oldest due messages are
// leased (status "sending", lockedUntil, worker id) with a conditional update and get their
// "attempt" event; a message whose lease expired (its worker died) is claimable again. Daily
// limits and pacing are enforced here, before anything is sent.
import { outboxOf, type Db } from "../db";
import type { ClaimedMessage } from "./outbox-sql";
import { limitSettings } from "./sending-limits";

export type { ClaimedMessage } from "./outbox-sql";

export const LEASE_MS = 2 * 60_000;

/** Leases up to `max` due messages for `workerId`, oldest first (see lib/queue/outbox-ops.ts). */
export async function claimMessages(
  prisma: Db,
  workerId: string,
  max: number,
  now = new Date(),
): Promise<ClaimedMessage[]> {
  if (max < 1) return [];
  return outboxOf(prisma).claim({
    workerId,
    max,
    now,
    lockedUntil: new Date(now.getTime() + LEASE_MS),
    limits: limitSettings(),
  });
}

/** Leases the oldest due message, or null when none is due. */
export async function claimNextMessage(
  prisma: Db,
  workerId: string,
  now = new Date(),
): Promise<ClaimedMessage | null> {
  return (await claimMessages(prisma, workerId, 1, now))[0] ?? null;
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
