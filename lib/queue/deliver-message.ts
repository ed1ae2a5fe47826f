// Sends one claimed message and records what Gmail said: sent, deferred, failed, or waiting
// for the account to be reconnected. An attempt has an overall deadline (SEND_DEADLINE_SECONDS):
// a server that stops answering costs a retry, not a message stuck "sending".
import "server-only";
import { outboxOf, type Db } from "../db";
import { markReconnectNeeded, ReconnectNeededError } from "../google/access-token";
import { classifySmtpError } from "../mail/classify-smtp-error";
import { closeTransport, transportFor } from "../mail/transport-pool";
import { env } from "../env";
import { retryDelayMs } from "./backoff";
import { LEASE_MS, type ClaimedMessage } from "./claim-next-message";
import type { SentRecord } from "./outbox-sql";
import { formatSlot, sendingLimitsFor } from "./sending-limits";

/**
 * `onSmtpDone` runs as soon as the SMTP exchange is over, before its outcome is recorded, so a
 * worker can start its next message while the record commits.
 */
export async function deliverMessage(
  prisma: Db,
  message: ClaimedMessage,
  onSmtpDone?: () => void,
): Promise<void> {
  const recipients = [...message.to, ...message.cc, ...message.bcc];
  // A slow send (a stalled server, a big message) keeps its lease while it is alive.
  const renewal = setInterval(() => {
    prisma.message
      .updateMany({
        where: { id: message.id, status: "sending", lockedBy: message.lockedBy },
        data: { lockedUntil: new Date(Date.now() + LEASE_MS) },
      })
      .catch(() => undefined);
  }, LEASE_MS / 3);
  const deadlineSeconds = env().SEND_DEADLINE_SECONDS;
  let deadline: NodeJS.Timeout | undefined;
  let info: SendInfo;
  try {
    const transport = transportFor(message.account.id, message.account.email);
    const sending = transport.sendMail({
      envelope: { from: message.fromAddress, to: recipients },
      raw: message.mime,
    });
    const overdue = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => {
        // The account's connections may all be stuck the same way: start afresh. Its other
        // sends in flight fail with the closed connection and are retried too.
        closeTransport(message.account.id);
        reject(new SendDeadlineError(deadlineSeconds));
      }, deadlineSeconds * 1000);
    });
    // Past the deadline the send's own outcome no longer counts (if Gmail did take the message,
    // the retry is a duplicate: at least once, never lost).
    sending.catch(() => undefined);
    info = await Promise.race([sending, overdue]);
  } catch (error) {
    clearTimeout(deadline);
    clearInterval(renewal);
    onSmtpDone?.();
    await recordFailure(prisma, message, error);
    return;
  }
  clearTimeout(deadline);
  clearInterval(renewal);
  onSmtpDone?.();
  // Reply and status land in one transaction right after the 250 (the database thread's next
  // group commit, lib/queue/outbox-ops.ts), keeping the window in which a crash could cause a
  // resend small. If this commit fails the lease runs out and the message is retried: a
  // possible duplicate, never a loss.
  const reply = (info.response ?? "250").trim();
  const record: SentRecord = {
    messageId: message.id,
    reply,
    code: Number(reply.slice(0, 3)) || 250,
    rejected: info.rejectedErrors ?? [],
    at: new Date(),
  };
  await outboxOf(prisma).markSent(record);
}

/** The attempt's overall deadline passed without an answer from Gmail. */
export class SendDeadlineError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(readonly seconds: number) {
    super(`No answer from Gmail within ${seconds} s; the connection was closed`);
    this.name = "SendDeadlineError";
  }
}

interface SendInfo {
  response?: string;
  rejectedErrors?: { recipient?: string; response?: string }[];
}

async function recordFailure(prisma: Db, message: ClaimedMessage, error: unknown): Promise<void> {
  const now = Date.now();
  if (error instanceof ReconnectNeededError) {
    await finish(prisma, message, {
      status: "queued",
      nextAttemptAt: new Date(now),
      event: "waiting",
      detail: `Waiting: the Google account needs to be reconnected (${error.reason})`,
      lastError: error.message,
    });
    return;
  }

  const failure = classifySmtpError(error);
  // A deadline is ours, not one of Gmail's network failures: say exactly what happened.
  const what = error instanceof SendDeadlineError ? error.message : failure.explanation?.title;
  const base = {
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
      await finish(prisma, message, {
        ...base,
        status: "queued",
        nextAttemptAt: new Date(now),
        event: "waiting",
        detail: reason,
      });
      return;
    }
    case "permanent":
      await finish(prisma, message, {
        ...base,
        status: "failed",
        event: "failed",
        detail: failure.explanation?.fix ?? "Gmail refused the message.",
      });
      return;
    case "quota": {
      // Gmail's own rolling window is full: wait for Mailroom's log to free a slot (or an hour
      // when the log does not explain it, e.g. mail sent from Gmail's web UI). Not a failure.
      const account = await prisma.account.findUniqueOrThrow({ where: { id: message.account.id } });
      const resumeAt = await outboxOf(prisma).gmailQuotaResumesAt(
        account.id,
        sendingLimitsFor(account).windowMs,
        new Date(now),
      );
      await prisma.account.update({
        where: { id: account.id },
        data: {
          nextSendAt: resumeAt,
          pauseReason: `Gmail's daily sending quota is used up; next slot at ${formatSlot(resumeAt)}`,
        },
      });
      await finish(prisma, message, {
        ...base,
        status: "deferred",
        nextAttemptAt: resumeAt,
        event: "deferred",
        detail: `Waiting for quota, next slot at ${formatSlot(resumeAt)}`,
      });
      return;
    }
    case "temporary":
    case "configuration": {
      if (expired) {
        await finish(prisma, message, {
          ...base,
          status: "failed",
          event: "failed",
          detail: `Expired after ${message.attempts} attempts over ${maxAgeHours} hours; last reply: ${failure.reply}`,
        });
        return;
      }
      const nextAttemptAt = new Date(now + retryDelayMs(message.attempts));
      await finish(prisma, message, {
        ...base,
        status: "deferred",
        nextAttemptAt,
        event: "deferred",
        detail: `${what ?? "Temporary failure"}; next attempt at ${nextAttemptAt.toISOString()}`,
      });
      return;
    }
  }
}

async function finish(
  prisma: Db,
  message: ClaimedMessage,
  outcome: {
    status: "queued" | "deferred" | "failed";
    event: string;
    detail: string;
    nextAttemptAt?: Date;
    smtpCode?: number | null;
    smtpReply?: string;
    lastError?: string;
  },
): Promise<void> {
  await prisma.$transaction([
    prisma.message.update({
      where: { id: message.id },
      data: {
        status: outcome.status,
        lockedUntil: null,
        lockedBy: null,
        lastError: outcome.lastError ?? null,
        ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
        ...(outcome.smtpReply !== undefined
          ? { lastSmtpCode: outcome.smtpCode ?? null, lastSmtpReply: outcome.smtpReply }
          : {}),
      },
    }),
    prisma.messageEvent.create({
      data: {
        messageId: message.id,
        type: outcome.event,
        status: outcome.status,
        smtpCode: outcome.smtpCode ?? null,
        smtpReply: outcome.smtpReply ?? null,
        detail: outcome.detail,
      },
    }),
  ]);
}
