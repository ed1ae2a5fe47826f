// The retry policy: what a failed attempt becomes — deferred with backoff, failed, waiting for
// Gmail's quota, or waiting for the account to be reconnected (GMAIL.md, README "Delivery").
import "server-only";
import { env } from "../env";
import { markReconnectNeeded, ReconnectNeededError } from "../google/access-token";
import { classifySmtpError } from "../mail/classify-smtp-error";
import type { ClaimedMessage, Outcome } from "../outbox/outbox";
import { retryDelayMs } from "./backoff";
import { SendDeadlineError } from "./send-deadline-error";
import { limitSettings } from "./sending-limits";

export async function failureOutcome(
  message: ClaimedMessage,
  error: unknown,
  now = Date.now(),
): Promise<Outcome> {
  const messageId = message.id;
  if (error instanceof ReconnectNeededError) {
    return {
      kind: "paused",
      messageId,
      detail: `Waiting: the Google account needs to be reconnected (${error.reason})`,
      lastError: error.message,
    };
  }

  const failure = classifySmtpError(error);
  // A deadline is ours, not one of Gmail's network failures: say exactly what happened.
  const what = error instanceof SendDeadlineError ? error.message : failure.explanation?.title;
  const answer = {
    smtpCode: failure.code ?? null,
    smtpReply: failure.reply,
    lastError: what ?? failure.reply,
  };
  const maxAgeHours = env().MAX_MESSAGE_AGE_HOURS;
  const expired = now - message.createdAt.getTime() > maxAgeHours * 3_600_000;

  switch (failure.kind) {
    case "auth": {
      // nodemailer already refreshed the token once and retried; Gmail still refused it.
      const reason = `Gmail refused the access token even after a refresh (${failure.code ?? "auth"}). Reconnect the account.`;
      await markReconnectNeeded(message.account.id, reason);
      return { kind: "paused", messageId, detail: reason, ...answer };
    }
    case "permanent": {
      const detail = failure.explanation?.fix ?? "Gmail refused the message.";
      return { kind: "failed", messageId, detail, ...answer };
    }
    case "quota":
      // Gmail's own rolling window is full: the outbox pauses the account until it frees a slot.
      return {
        kind: "quota",
        messageId,
        accountId: message.account.id,
        windowMs: limitSettings().windowMs,
        ...answer,
      };
    case "temporary":
    case "configuration": {
      if (expired) {
        const detail = `Expired after ${message.attempts} attempts over ${maxAgeHours} hours; last reply: ${failure.reply}`;
        return { kind: "failed", messageId, detail, ...answer };
      }
      const nextAttemptAt = new Date(now + retryDelayMs(message.attempts));
      const detail = `${what ?? "Temporary failure"}; next attempt at ${nextAttemptAt.toISOString()}`;
      return { kind: "deferred", messageId, nextAttemptAt, detail, ...answer };
    }
  }
}
