// Makes a deferred message due at once instead of waiting out its backoff.
import "server-only";
import { AppError } from "../errors/app-error";
import { outbox } from "./open-outbox";

export async function retryMessageNow(userId: string, id: string): Promise<void> {
  const result = await (await outbox()).retryNow(userId, id);
  if (result.done) return;
  if ("missing" in result) throw new AppError("not_found", "Message not found.");
  throw new AppError(
    "conflict",
    `Only a deferred message can be retried now (this one is ${result.status}).`,
  );
}
