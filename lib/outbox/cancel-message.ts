// Cancels a message that has not gone out yet (queued, deferred or scheduled).
import "server-only";
import { AppError } from "../errors/app-error";
import { outbox } from "./open-outbox";

export async function cancelMessage(userId: string, id: string): Promise<void> {
  // Conditional on the status, so a worker that just claimed the message wins the race.
  const result = await (await outbox()).cancel(userId, id);
  if (result.done) return;
  if ("missing" in result) throw new AppError("not_found", "Message not found.");
  throw new AppError(
    "conflict",
    `The message is already ${result.status} and can no longer be canceled.`,
  );
}
