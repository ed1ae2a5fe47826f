// Makes a deferred message due at once instead of waiting out its backoff.
import "server-only";
import { db } from "../db";
import { AppError } from "../errors/app-error";
import { wakeWorkers } from "./wake-workers";

export async function retryMessageNow(userId: string, id: string): Promise<void> {
  const prisma = await db();
  // Nothing is thrown inside the transaction: a rollback on the adapter's single connection
  // would also undo writes other lanes issued meanwhile.
  const outcome = await prisma.$transaction(async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id, userId, status: "deferred" },
      data: { nextAttemptAt: new Date() },
    });
    if (count === 1) {
      await tx.messageEvent.create({
        data: {
          messageId: id,
          type: "retry_requested",
          status: "deferred",
          detail: "Retry requested by the sender",
        },
      });
      return "retrying";
    }
    const message = await tx.message.findFirst({ where: { id, userId }, select: { status: true } });
    return message ? message.status : "missing";
  });
  if (outcome === "missing") throw new AppError("not_found", "Message not found.");
  if (outcome !== "retrying") {
    throw new AppError(
      "conflict",
      `Only a deferred message can be retried now (this one is ${outcome}).`,
    );
  }
  wakeWorkers();
}
