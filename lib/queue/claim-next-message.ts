// Claims one due message for a worker with an atomic conditional update and a lease; a message
// whose lease expired (its worker died) is claimable again. Daily limits and pacing are
// enforced here, before anything is sent.
import type { Db } from "../db";
import { formatSlot, nextQuotaSlot, sendingLimitsFor, takeSendSlot } from "./sending-limits";

export const LEASE_MS = 2 * 60_000;

export async function claimNextMessage(prisma: Db, workerId: string, now = new Date()) {
  // Another worker may win the race for a candidate; try the next one a few times.
  for (let tries = 0; tries < 8; tries++) {
    const candidate = await prisma.message.findFirst({
      where: {
        OR: [
          { status: { in: ["queued", "deferred"] }, nextAttemptAt: { lte: now } },
          { status: "sending", lockedUntil: { lt: now } },
        ],
        account: {
          reconnectReason: null,
          OR: [{ nextSendAt: null }, { nextSendAt: { lte: now } }],
        },
      },
      orderBy: { nextAttemptAt: "asc" },
      select: {
        id: true,
        status: true,
        accountId: true,
        account: { select: { hostedDomain: true } },
      },
    });
    if (!candidate) return null;

    const limits = sendingLimitsFor(candidate.account);
    const slot = await nextQuotaSlot(prisma, candidate.accountId, limits, now);
    if (slot) {
      await pauseForQuota(prisma, candidate.accountId, candidate.id, slot, limits.dailyLimit);
      continue;
    }
    if (!(await takeSendSlot(prisma, candidate.accountId, limits, now))) continue;

    // Claim and its "attempt" event commit together, so a crash cannot leave an attempt
    // missing from the timeline.
    const message = await prisma.$transaction(async (tx) => {
      const claimed = await tx.message.updateMany({
        where:
          candidate.status === "sending"
            ? { id: candidate.id, status: "sending", lockedUntil: { lt: now } }
            : { id: candidate.id, status: candidate.status },
        data: {
          status: "sending",
          lockedBy: workerId,
          lockedUntil: new Date(now.getTime() + LEASE_MS),
          attempts: { increment: 1 },
        },
      });
      if (claimed.count !== 1) return null;
      const row = await tx.message.findUniqueOrThrow({
        where: { id: candidate.id },
        include: { account: { select: { id: true, email: true } } },
      });
      await tx.messageEvent.create({
        data: {
          messageId: row.id,
          type: "attempt",
          status: "sending",
          detail:
            candidate.status === "sending"
              ? `Attempt ${row.attempts} (the previous worker stopped mid-send)`
              : `Attempt ${row.attempts}`,
        },
      });
      return row;
    });
    if (message) return message;
  }
  return null;
}

export type ClaimedMessage = NonNullable<Awaited<ReturnType<typeof claimNextMessage>>>;

/** Pauses an account whose daily limit is used up; its messages stay queued until the slot. */
async function pauseForQuota(
  prisma: Db,
  accountId: string,
  messageId: string,
  slot: Date,
  limit: number,
) {
  const reason = `Daily limit of ${limit} messages reached; next slot at ${formatSlot(slot)}`;
  await prisma.$transaction([
    prisma.account.update({
      where: { id: accountId },
      data: { nextSendAt: slot, pauseReason: reason },
    }),
    prisma.messageEvent.create({
      data: {
        messageId,
        type: "waiting",
        status: "queued",
        detail: `Waiting for quota, next slot at ${formatSlot(slot)}`,
      },
    }),
  ]);
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
