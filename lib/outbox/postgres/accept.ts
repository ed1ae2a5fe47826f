// Accepting messages on the PostgreSQL engine: a batch of new messages (one, or a burst that
// arrived together) with their MIME and "queued" events, in the caller's transaction. Each
// sender's backlog is counted after their user row is locked, so concurrent accepts, in this
// process or any other, cannot take a backlog past its cap.
import type pg from "pg";
import { mimeSize } from "../content-stream";
import { storedDisplayNames } from "../display-names";
import { newId } from "../new-id";
import type { AcceptResult, NewMessage } from "../outbox";
import { searchTermsOf } from "../search-terms";
import { eventParams, eventsInsert } from "./events";
import { prepared } from "./prepared";

const LOCK_USERS = prepared(
  "accept_lock_users",
  `SELECT 1 FROM "User" WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`,
);

const WAITING_COUNTS = prepared(
  "accept_waiting",
  `SELECT u.id AS "userId",
     (SELECT COUNT(*)::int FROM (SELECT 1 FROM "Message" m
        WHERE m."userId" = u.id AND m.status IN ('queued', 'deferred', 'sending') LIMIT $2) w) AS waiting
   FROM unnest($1::text[]) AS u(id)`,
);

export async function acceptMessages(
  client: pg.PoolClient,
  messages: NewMessage[],
  now: Date,
): Promise<AcceptResult[]> {
  const waiting = await lockBacklogs(client, messages);
  const results: AcceptResult[] = [];
  const accepted: { id: string; message: NewMessage }[] = [];
  for (const message of messages) {
    if (message.maxWaiting !== undefined) {
      const count = waiting.get(message.userId) ?? 0;
      if (count >= message.maxWaiting) {
        results.push({ backlogFull: { waiting: count } });
        continue;
      }
      waiting.set(message.userId, count + 1);
    }
    const id = newId();
    accepted.push({ id, message });
    results.push({ id });
  }
  if (accepted.length === 0) return results;

  // Messages, MIME and events in one statement (one round trip); multi-row VALUES with
  // parameters, not array literals, so the MIME goes as binary.
  const params: unknown[] = [now];
  const messageRows = accepted.map(({ id, message: m }) => {
    const p = placeholders(params, [
      id,
      m.userId,
      m.accountId,
      m.source,
      m.messageIdHeader,
      m.fromAddress,
      JSON.stringify(m.to),
      JSON.stringify(m.cc),
      JSON.stringify(m.bcc),
      storedDisplayNames(m.displayNames),
      m.subject,
      mimeSize(m.mime),
      m.to.length + m.cc.length + m.bcc.length,
      m.scheduledAt ?? null,
      m.scheduledAt ?? m.firstAttemptAt ?? null,
    ]);
    return `(${p[0]}, ${p[1]}, ${p[2]}, 'queued', ${p[3]}, ${p[4]}, ${p[5]}, ${p[6]}::jsonb,
      ${p[7]}::jsonb, ${p[8]}::jsonb, ${p[9]}::jsonb, ${p[10]}, ${p[11]}::int, ${p[12]}::int, 0,
      COALESCE(${p[14]}::timestamptz, $1::timestamptz), ${p[13]}::timestamptz, $1::timestamptz,
      $1::timestamptz)`;
  });
  // A chunked MIME is read from its chunks; the row keeps no copy.
  const contentRows = accepted.map(({ id, message: { textBody, mime } }) => {
    const [inline, contentId] = Buffer.isBuffer(mime)
      ? [mime, null]
      : [Buffer.alloc(0), mime.contentId];
    return `(${placeholders(params, [id, textBody, inline, contentId]).join(", ")})`;
  });
  const events = accepted.map(({ id, message }) => ({
    messageId: id,
    type: "queued",
    status: "queued",
    detail: message.queuedDetail,
  }));
  const terms = accepted.flatMap(({ id, message }) =>
    searchTermsOf(message).map((term) => ({ id, userId: message.userId, term })),
  );
  const termParams = placeholders(params, [
    terms.map((t) => t.id),
    terms.map((t) => t.userId),
    terms.map((t) => t.term),
  ]);
  const first = params.length + 1;
  params.push(...eventParams(events, now));
  await client.query(
    `WITH m AS (
       INSERT INTO "Message" (id, "userId", "accountId", status, source, "messageIdHeader",
         "fromAddress", "to", cc, bcc, "displayNames", subject, "sizeBytes", "recipientCount", attempts,
         "nextAttemptAt", "scheduledAt", "createdAt", "updatedAt")
       VALUES ${messageRows.join(", ")}),
     c AS (
       INSERT INTO "MessageContent" ("messageId", "textBody", mime, "contentId")
       VALUES ${contentRows.join(", ")}),
     t AS (
       INSERT INTO "MessageSearchTerm" ("messageId", "userId", term, "createdAt")
       SELECT id, "userId", term, $1::timestamptz
       FROM unnest(${termParams[0]}::text[], ${termParams[1]}::text[], ${termParams[2]}::text[])
         AS terms(id, "userId", term))
     ${eventsInsert(first)}`,
    params,
  );
  return results;
}

/**
 * Locks the senders' user rows that have a cap (in id order: two batches never deadlock) and
 * returns how many messages each already has waiting, counted only as far as their cap.
 * NO KEY UPDATE: rows that only reference the user, such as sessions, do not wait.
 */
async function lockBacklogs(
  client: pg.PoolClient,
  messages: NewMessage[],
): Promise<Map<string, number>> {
  const caps = messages.flatMap((m) => (m.maxWaiting === undefined ? [] : [m.maxWaiting]));
  if (caps.length === 0) return new Map();
  const userIds = [
    ...new Set(messages.filter((m) => m.maxWaiting !== undefined).map((m) => m.userId)),
  ].sort();
  await client.query(LOCK_USERS([userIds]));
  const { rows } = await client.query<{ userId: string; waiting: number }>(
    WAITING_COUNTS([userIds, Math.max(...caps)]),
  );
  return new Map(rows.map((r) => [r.userId, r.waiting]));
}

/** Appends `values` to `params` and returns their placeholders ($n). */
function placeholders(params: unknown[], values: unknown[]): string[] {
  return values.map((value) => {
    params.push(value);
    return `$${params.length}`;
  });
}
