// Claims one due message for a worker with an atomic conditional update and a lease; a message
// whose lease expired (its worker died) is claimable again.
import type { Db } from "../db";

export const LEASE_MS = 5 * 60_000;

export async function claimNextMessage(prisma: Db, workerId: string, now = new Date()) {
  // Another worker may win the race for a candidate; try the next one a few times.
  for (let tries = 0; tries < 5; tries++) {
    const candidate = await prisma.message.findFirst({
      where: {
        OR: [
          { status: { in: ["queued", "deferred"] }, nextAttemptAt: { lte: now } },
          { status: "sending", lockedUntil: { lt: now } },
        ],
        account: { reconnectReason: null },
      },
      orderBy: { nextAttemptAt: "asc" },
      select: { id: true, status: true },
    });
    if (!candidate) return null;

    const claimed = await prisma.message.updateMany({
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
    if (claimed.count === 1) {
      const message = await prisma.message.findUniqueOrThrow({
        where: { id: candidate.id },
        include: { account: { select: { id: true, email: true } } },
      });
      await prisma.messageEvent.create({
        data: {
          messageId: message.id,
          type: "attempt",
          status: "sending",
          detail:
            candidate.status === "sending"
              ? `Attempt ${message.attempts} (the previous worker stopped mid-send)`
              : `Attempt ${message.attempts}`,
        },
      });
      return message;
    }
  }
  return null;
}

export type ClaimedMessage = NonNullable<Awaited<ReturnType<typeof claimNextMessage>>>;
