// The status the history shows: the stored one (message-status.ts, a contract), except that a
// queued message whose scheduled time is still ahead reads "scheduled". Derived, never stored:
// the worker still sees "queued" and takes it when its time comes.
import type { MessageStatus } from "./message-status";

/** The history's statuses: the stored ones, and "scheduled" (a part of "queued") after queued. */
export const DISPLAY_STATUSES = [
  "queued",
  "scheduled",
  "sending",
  "sent",
  "deferred",
  "failed",
  "canceled",
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

export function displayStatus(
  message: { status: string; scheduledAt: Date | null },
  now: Date = new Date(),
): string {
  if (message.status === "queued" && message.scheduledAt && message.scheduledAt > now) {
    return "scheduled";
  }
  return message.status;
}

export function isDisplayStatus(value: string): value is DisplayStatus {
  return (DISPLAY_STATUSES as readonly string[]).includes(value);
}

/** The stored status a display status is made of ("scheduled" is a queued message). */
export function storedStatusOf(status: DisplayStatus): MessageStatus {
  return status === "scheduled" ? "queued" : status;
}
