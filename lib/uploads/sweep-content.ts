// Housekeeping of stored content: uploads not used by a message within a day go, and so do chunks
// that belong to nothing (a writer that died before its owner row, a message deleted with its
// user). Run by every worker at start and then hourly; concurrent runs only repeat deletes.
import "server-only";
import type { Outbox } from "../outbox/outbox";

export const UPLOAD_TTL_MS = 24 * 3_600_000;
/** Older than any upload or message still being written: those chunks have no owner row yet. */
const ORPHAN_AGE_MS = 3_600_000;

export function sweepContent(store: Outbox, now = new Date()): Promise<number> {
  return store.sweepContent(
    new Date(now.getTime() - UPLOAD_TTL_MS),
    new Date(now.getTime() - ORPHAN_AGE_MS),
  );
}
