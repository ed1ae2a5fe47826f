// "Undo send": a message sent from the compose page is held for UNDO_SECONDS before a worker may
// take it, so the sender can still cancel it. It stays "queued" (not scheduled) meanwhile.
import "server-only";
import { env } from "../env";

/** When the compose page's message may first go out, or undefined when undo is off. */
export function undoHoldUntil(now = new Date()): Date | undefined {
  const seconds = env().UNDO_SECONDS;
  return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : undefined;
}
