// Why a message that has not gone out is still waiting, in words for the history page.
export interface WaitingReason {
  text: string;
  /** When the wait should end, shown in the reader's timezone. */
  until?: Date;
}

export function waitingReason(
  message: { status: string; scheduledAt: Date | null; nextAttemptAt: Date },
  account: { reconnectReason: string | null; pauseReason: string | null; nextSendAt: Date | null },
  now = new Date(),
): WaitingReason | undefined {
  if (message.status !== "queued" && message.status !== "deferred") return undefined;
  if (account.reconnectReason) return { text: "Waiting for the Google account to be reconnected" };
  if (message.scheduledAt && message.scheduledAt > now && message.status === "queued") {
    return { text: "Scheduled for", until: message.scheduledAt };
  }
  if (account.pauseReason && account.nextSendAt && account.nextSendAt > now) {
    return { text: "Waiting for quota, next slot at", until: account.nextSendAt };
  }
  if (message.status === "deferred") return { text: "Retry at", until: message.nextAttemptAt };
  // Only the compose page's undo window holds a queued, unscheduled message (undo-window.ts).
  if (message.nextAttemptAt > now)
    return { text: "Held for Undo until", until: message.nextAttemptAt };
  return undefined;
}
