// Cancels a message that has not gone out yet (queued, deferred or scheduled).
import "server-only";
import { db } from "../db";
import { AppError } from "../errors/app-error";

export async function cancelMessage(userId: string, id: string): Promise<void> {
  const prisma = await db();
  // Nothing is thrown inside the transaction: a rollback on the adapter's single connection
  // would also undo writes other lanes issued meanwhile.
  const outcome = await prisma.$transaction(async (tx) => {
    // Conditional on the status, so a worker that just claimed the message wins the race.
    const { count } = await tx.message.updateMany({
      where: { id, userId, status: { in: ["queued", "deferred"] } },
      data: { status: "canceled", lockedBy: null, lockedUntil: null },
    });
    if (count === 1) {
      await tx.messageEvent.create({
        data: {
          messageId: id,
          type: "canceled",
          status: "canceled",
          detail: "Canceled by the sender",
        },
      });
      return "canceled";
    }
    const message = await tx.message.findFirst({ where: { id, userId }, select: { status: true } });
    return message ? `already ${message.status}` : "missing";
  });
  if (outcome === "missing") throw new AppError("not_found", "Message not found.");
  if (outcome !== "canceled") {
    throw new AppError("conflict", `The message is ${outcome} and can no longer be canceled.`);
  }
}
