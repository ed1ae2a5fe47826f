// Message statuses and what each means to a person reading the history.
export const MESSAGE_STATUSES = [
  "queued",
  "sending",
  "sent",
  "deferred",
  "failed",
  "canceled",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses that are still on their way; pages refresh while any message is in one. */
export const IN_FLIGHT_STATUSES: readonly MessageStatus[] = ["queued", "sending", "deferred"];

export function isMessageStatus(value: string): value is MessageStatus {
  return (MESSAGE_STATUSES as readonly string[]).includes(value);
}
