// The retry policy: what a failed attempt becomes — deferred with backoff, failed, waiting for
// Gmail's quota, or waiting for the account to be reconnected (GMAIL.md, README "Delivery").
import "server-only";
import { env } from "../env";
import { markReconnectNeeded, ReconnectNeededError } from "../google/access-token";
import { classifySmtpError, type SmtpFailure } from "../mail/classify-smtp-error";
import { explainApiError } from "../mail/gmail-api-errors";
import type { ClaimedMessage, Outcome } from "../outbox/outbox";
import { retryDelayMs } from "./backoff";
import { SendDeadlineError } from "./send-deadline-error";
import { limitSettings } from "./sending-limits";
import { NarrowEnvelopeError } from "./ways/envelope-check";
import { GmailApiError } from "./ways/gmail-api-send";
import type { SendWay } from "./ways/send-ways";

/** A Retry-After this long means Gmail's daily window, not a burst: the account pauses. */
const QUOTA_RETRY_AFTER_MS = 10 * 60_000;

export async function failureOutcome(
  message: ClaimedMessage,
  error: unknown,
  options: { way?: SendWay; now?: number } = {},
): Promise<Outcome> {
  const now = options.now ?? Date.now();
  const messageId = message.id;
  if (error instanceof ReconnectNeededError) {
    return {
      kind: "paused",
      messageId,
      detail: `Waiting: the Google account needs to be reconnected (${error.reason})`,
      lastError: error.message,
    };
  }

  if (error instanceof NarrowEnvelopeError) {
    // Not sent: the Gmail API would have reached people the envelope leaves out.
    return { kind: "failed", messageId, detail: error.message, lastError: error.message };
  }

  const failure =
    error instanceof GmailApiError ? classifyApiError(error) : classifySmtpError(error);
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
      // nodemailer (or the API sender) already refreshed the token once and retried; Gmail still
      // refused it. An app password is not refreshed: it is wrong or was revoked.
      const reason = authReason(failure, options.way);
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
      // Gmail's Retry-After, when it said one, is the earliest a retry can succeed.
      const retryAfter = error instanceof GmailApiError ? (error.retryAfterMs ?? 0) : 0;
      const nextAttemptAt = new Date(now + Math.max(retryDelayMs(message.attempts), retryAfter));
      const detail = `${what ?? "Temporary failure"}; next attempt at ${nextAttemptAt.toISOString()}`;
      return { kind: "deferred", messageId, nextAttemptAt, detail, ...answer };
    }
  }
}

/** A Gmail API error in the shape of an SMTP failure: status, the recorded answer, its meaning. */
function classifyApiError(error: GmailApiError): SmtpFailure {
  const explanation = error.status ? explainApiError(error.status, error.reason) : undefined;
  const base = { code: error.status, reply: error.reply, explanation };
  if (!error.status) return { kind: "temporary", ...base };
  // A short Retry-After on a per-user limit is a burst to wait out, not the daily window.
  if (
    explanation?.kind === "quota" &&
    error.retryAfterMs !== undefined &&
    error.retryAfterMs < QUOTA_RETRY_AFTER_MS
  ) {
    return { kind: "temporary", ...base };
  }
  if (explanation) return { kind: explanation.kind, ...base };
  if (error.status === 403) return { kind: "auth", ...base };
  return { kind: error.status >= 500 ? "temporary" : "permanent", ...base };
}

function authReason(failure: SmtpFailure, way: SendWay | undefined): string {
  const what = failure.code ?? "auth";
  if (way === "app_password") {
    return failure.explanation?.id === "5.7.9"
      ? `Gmail wants an app password, not the account's password (${what}). Add an app password on the status page.`
      : `Gmail refused the app password (${what}): it is wrong or was revoked. Add a new one on the status page.`;
  }
  if (failure.explanation?.id === "api:insufficientPermissions") {
    return `The account has not granted Gmail API sending (${what}). Grant it on the status page, or switch the account back to SMTP.`;
  }
  return `Gmail refused the access token even after a refresh (${what}). Reconnect the account.`;
}
