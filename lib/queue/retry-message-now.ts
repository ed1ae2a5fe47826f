// Makes a deferred message due at once instead of waiting out its backoff.
import "server-only";
import { db } from "../db";
import { AppError } from "../errors/app-error";
import { wakeWorkers } from "./wake-workers";

export async function retryMessageNow(userId: string, id: string): Promise<void> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id, userId, status: "deferred" },
      data: { nextAttemptAt: new Date() },
    });
    if (count === 0) {
      const message = await tx.message.findFirst({
        where: { id, userId },
        select: { status: true },
      });
      if (!message) throw new AppError("not_found", "Message not found.");
      throw new AppError(
        "conflict",
        `Only a deferred message can be retried now (this one is ${message.status}).`,
      );
    }
    await tx.messageEvent.create({
      data: {
        messageId: id,
        type: "retry_requested",
        status: "deferred",
        detail: "Retry requested by the sender",
      },
    });
  });
  wakeWorkers();
}
