// Recording what became of attempts on the PostgreSQL engine: each outcome's status change and
// its event(s) in the caller's transaction. 250s come in batches (recordSent): the hot path of
// a busy worker; every other outcome is written alone (recordOutcome).
import type pg from "pg";
import { formatSlot } from "../../sending/sending-limits";
import type { MessageStatus } from "../message-status";
import type { Outcome, OutcomeResult } from "../outbox";
import { eventParams, eventsInsert, insertEvents, type EventIds, type EventRow } from "./events";
import { prepared } from "./prepared";

const RECORD_SENT = prepared(
  "record_sent",
  `WITH settled AS (
     UPDATE "Message" m SET status = 'sent', "sentAt" = u.at, "lastSmtpCode" = u.code,
       "lastSmtpReply" = u.reply, "lastError" = NULL, "lockedUntil" = NULL, "lockedBy" = NULL,
       "updatedAt" = u.at
     FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::text[]) AS u(id, at, code, reply)
     WHERE m.id = u.id)
   ${eventsInsert(5)}`,
);

export type SentOutcome = Extract<Outcome, { kind: "sent" }>;

/** The 250s' rows and events, one statement each. `eventIds` make a retried write a no-op. */
export async function recordSent(
  client: pg.PoolClient,
  sent: { outcome: SentOutcome; eventIds: EventIds }[],
): Promise<void> {
  const events: EventRow[] = [];
  const at: Date[] = [];
  const ids: string[] = [];
  for (const { outcome, eventIds } of sent) {
    sentEvents(outcome).forEach((event, index) => {
      events.push(event);
      at.push(outcome.at);
      ids.push(eventIds(index));
    });
  }
  // Rows and events in one statement (one round trip).
  await client.query(
    RECORD_SENT([
      sent.map((s) => s.outcome.messageId),
      sent.map((s) => s.outcome.at),
      sent.map((s) => s.outcome.code),
      sent.map((s) => s.outcome.reply),
      ...eventParams(events, at, (index) => ids[index] ?? ""),
    ]),
  );
}

/** A 250's timeline: "sent", and a line for each recipient Gmail refused. */
function sentEvents(outcome: SentOutcome): EventRow[] {
  const { messageId } = outcome;
  return [
    {
      messageId,
      type: "sent",
      status: "sent",
      smtpCode: outcome.code,
      smtpReply: outcome.reply,
      detail: outcome.via ? `Sent with ${outcome.via}` : undefined,
    },
    ...outcome.rejected.map((rejected) => ({
      messageId,
      type: "recipient_rejected",
      smtpCode: Number(rejected.response?.slice(0, 3)) || null,
      smtpReply: rejected.response ?? null,
      detail: `Gmail refused ${rejected.recipient ?? "a recipient"}`,
    })),
  ];
}

/** The message's status and its event, written together (and, for quota, the account's pause). */
export async function recordOutcome(
  client: pg.PoolClient,
  outcome: Outcome,
  now: Date,
  eventIds: EventIds,
): Promise<OutcomeResult> {
  const { messageId } = outcome;
  if (outcome.kind === "sent") {
    await recordSent(client, [{ outcome, eventIds }]);
    return {};
  }

  const answer = {
    smtpCode: outcome.smtpCode ?? null,
    smtpReply: outcome.smtpReply,
    lastError: outcome.lastError ?? null,
  };
  const settle = async (status: MessageStatus, event: string, detail: string, next?: Date) => {
    const hasReply = answer.smtpReply !== undefined;
    await client.query(
      `UPDATE "Message" SET status = $2, "lockedUntil" = NULL, "lockedBy" = NULL,
         "lastError" = $3, "nextAttemptAt" = COALESCE($4::timestamptz, "nextAttemptAt"),
         "lastSmtpCode" = CASE WHEN $5 THEN $6 ELSE "lastSmtpCode" END,
         "lastSmtpReply" = CASE WHEN $5 THEN $7 ELSE "lastSmtpReply" END,
         "updatedAt" = $8
       WHERE id = $1`,
      [
        messageId,
        status,
        answer.lastError,
        next ?? null,
        hasReply,
        answer.smtpCode,
        answer.smtpReply ?? null,
        now,
      ],
    );
    await insertEvents(
      client,
      [
        {
          messageId,
          type: event,
          status,
          smtpCode: answer.smtpCode,
          smtpReply: answer.smtpReply ?? null,
          detail,
        },
      ],
      now,
      eventIds,
    );
  };

  switch (outcome.kind) {
    case "deferred":
      await settle("deferred", "deferred", outcome.detail, outcome.nextAttemptAt);
      return {};
    case "failed":
      await settle("failed", "failed", outcome.detail);
      return {};
    case "paused":
      // Back in the queue, due now: it goes as soon as the account is reconnected.
      await settle("queued", "waiting", outcome.detail, now);
      return {};
    case "quota": {
      // Gmail's own rolling window is full: wait until the oldest send in Mailroom's window ages
      // out (or an hour, when the log does not explain it, e.g. mail sent from Gmail's web UI).
      const since = new Date(now.getTime() - outcome.windowMs);
      const { rows } = await client.query<{ oldest: Date | null }>(
        `SELECT MIN("sentAt") AS oldest FROM "Message" WHERE "accountId" = $1 AND "sentAt" > $2`,
        [outcome.accountId, since],
      );
      const freed = (rows[0]?.oldest?.getTime() ?? 0) + outcome.windowMs;
      const resumeAt = new Date(freed > now.getTime() ? freed : now.getTime() + 3_600_000);
      const slot = formatSlot(resumeAt);
      await client.query(
        `UPDATE "Account" SET "nextSendAt" = $2, "pauseReason" = $3, "updatedAt" = $4 WHERE id = $1`,
        [
          outcome.accountId,
          resumeAt,
          `Gmail's daily sending quota is used up; next slot at ${slot}`,
          now,
        ],
      );
      await settle("deferred", "deferred", `Waiting for quota, next slot at ${slot}`, resumeAt);
      return { resumeAt };
    }
  }
}
