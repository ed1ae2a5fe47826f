// The rows of a long message history, engine-neutral: their messages oldest first, one a minute,
// with the status mix a busy sender's history has (sent, with some failed and canceled; queued
// and deferred only in the last hour), and each message's timeline events. Rows are arrays in
// the order of their *_COLUMNS; dates are Prisma's SQLite text ("…T10:00:00.000+00:00"), which
// PostgreSQL reads as timestamptz too. Deterministic but for the ids' tag, so every run seeds
// the same history.

import { searchTermsOf } from "../lib/outbox/search-terms";

export const MESSAGE_COLUMNS = [
  "id",
  "userId",
  "accountId",
  "status",
  "source",
  "messageIdHeader",
  "fromAddress",
  "to",
  "cc",
  "bcc",
  "subject",
  "sizeBytes",
  "recipientCount",
  "attempts",
  "nextAttemptAt",
  "lastSmtpCode",
  "lastSmtpReply",
  "lastError",
  "sentAt",
  "createdAt",
  "updatedAt",
] as const;

export const EVENT_COLUMNS = [
  "id",
  "messageId",
  "type",
  "status",
  "smtpCode",
  "smtpReply",
  "detail",
  "createdAt",
] as const;

export const CONTENT_COLUMNS = ["messageId", "textBody", "mime"] as const;

export const SEARCH_TERM_COLUMNS = ["messageId", "userId", "term", "createdAt"] as const;

export type Value = string | number | Buffer | null;
export type Row = Value[];

export interface Sender {
  userId: string;
  accountId: string;
  email: string;
}

export interface HistoryPlan {
  /** The measured user's messages. */
  messages: number;
  /** Users whose messages are interleaved with the measured user's, so scoping matters. */
  others: Sender[];
  /** Messages of the other users together, spread evenly over them. */
  otherMessages: number;
  /** Also write each message's MessageContent row (the history list never reads it). */
  content: boolean;
  /** The newest message's time. */
  end: Date;
}

export interface HistoryBatch {
  messages: Row[];
  events: Row[];
  contents: Row[];
  /** What the history's search finds each message by (lib/outbox/search-terms.ts). */
  searchTerms: Row[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A DateTime as Prisma stores it on SQLite (lib/outbox/sqlite/sql.ts sqlDate). */
export function storedDate(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** Mulberry32: a small seeded generator, so the status mix is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Ids in the shape of the outbox's (lib/outbox/sqlite/sql.ts newId): "c", the time in base 36,
 * a sequence and `tag`, 25 characters in all, so a batch's ids are in time order.
 */
export function idMaker(tag: string): (ms: number) => string {
  const suffix = tag.slice(0, 9).padStart(9, "0");
  let sequence = 0;
  return (ms) =>
    "c" + ms.toString(36).padStart(9, "0") + (sequence++).toString(36).padStart(6, "0") + suffix;
}

type Status = "queued" | "deferred" | "sent" | "failed" | "canceled";

function statusOf(ageMs: number, roll: number): Status {
  if (ageMs < HOUR) {
    if (roll < 0.3) return "queued";
    if (roll < 0.5) return "deferred";
    if (roll < 0.95) return "sent";
    return "failed";
  }
  if (roll < 0.97) return "sent";
  if (roll < 0.99) return "failed";
  return "canceled";
}

const SENT_REPLY = "250 2.0.0 OK  1764583200 a1b2c3d4e5f6-7a8b9c0d1e2f3g4h.12 - gsmtp";
const DEFERRED_REPLY = "421 4.7.0 Try again later, closing connection. - gsmtp";
const FAILED_REPLY = "550 5.1.1 The email account that you tried to reach does not exist. - gsmtp";

/**
 * The history's rows in batches of `batchSize` messages, oldest first. `owner` is the measured
 * user; `newId` makes every id (see idMaker).
 */
export function* historyBatches(
  plan: HistoryPlan,
  owner: Sender,
  newId: (ms: number) => string,
  batchSize: number,
): Generator<HistoryBatch> {
  const total = plan.messages + plan.otherMessages;
  const roll = random(1);
  const end = plan.end.getTime();
  const start = end - (total - 1) * MINUTE;
  let batch: HistoryBatch = { messages: [], events: [], contents: [], searchTerms: [] };
  let otherTurn = 0;
  for (let k = 0; k < total; k++) {
    // The owner's messages spread evenly among the others' (Bresenham), each other in turn.
    const ownerTurn =
      Math.floor(((k + 1) * plan.messages) / total) > Math.floor((k * plan.messages) / total);
    const sender = ownerTurn ? owner : plan.others[otherTurn++ % plan.others.length]!;
    const createdMs = Math.min(end, start + k * MINUTE + Math.floor(roll() * 1000));
    const status = statusOf(end - createdMs, roll());
    addMessage(batch, { sender, index: k, createdMs, status, newId, content: plan.content });
    if (batch.messages.length === batchSize) {
      yield batch;
      batch = { messages: [], events: [], contents: [], searchTerms: [] };
    }
  }
  if (batch.messages.length) yield batch;
}

interface MessageSpec {
  sender: Sender;
  index: number;
  createdMs: number;
  status: Status;
  newId: (ms: number) => string;
  content: boolean;
}

/** One message and its timeline, as the outbox would have written them. */
function addMessage(batch: HistoryBatch, m: MessageSpec): void {
  const id = m.newId(m.createdMs);
  const createdAt = storedDate(m.createdMs);
  const event = (ms: number, at: string, type: string, status: string, detail: string | null) =>
    [m.newId(ms), id, type, status, null, null, detail, at] as Row;
  batch.events.push(event(m.createdMs, createdAt, "queued", "queued", "Accepted into the outbox"));

  let reply: string | null = null;
  let lastError: string | null = null;
  let attempts = 0;
  let nextAttemptAt = createdAt;
  let updatedAt = createdAt;
  if (m.status === "canceled") {
    updatedAt = storedDate(m.createdMs + 30_000);
    batch.events.push(
      event(m.createdMs + 30_000, updatedAt, "canceled", "canceled", "Canceled by the sender"),
    );
  } else if (m.status !== "queued") {
    attempts = 1;
    batch.events.push(
      event(m.createdMs + 1000, storedDate(m.createdMs + 1000), "attempt", "sending", "Attempt 1"),
    );
    updatedAt = storedDate(m.createdMs + 2000);
    let detail: string | null = null;
    if (m.status === "sent") {
      reply = SENT_REPLY;
    } else if (m.status === "deferred") {
      reply = lastError = DEFERRED_REPLY;
      nextAttemptAt = storedDate(m.createdMs + 2 * HOUR);
      detail = `Retrying at ${nextAttemptAt}`;
    } else {
      reply = lastError = FAILED_REPLY;
      detail = "Gmail refused the message for good";
    }
    const settled = event(m.createdMs + 2000, updatedAt, m.status, m.status, detail);
    settled[4] = Number(reply.slice(0, 3));
    settled[5] = reply;
    batch.events.push(settled);
  }

  const to = `recipient-${m.index % 5000}@example.org`;
  const subject = `Order ${100000 + m.index} confirmation`;
  const headerId = `<${id}@gmail.example>`;
  const textBody = `Hello,\r\n\r\nyour order ${100000 + m.index} is confirmed.\r\n`;
  const mime = m.content
    ? Buffer.from(
        `From: ${m.sender.email}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: ${headerId}\r\n` +
          `Content-Type: text/plain; charset=utf-8\r\n\r\n${textBody}`,
      )
    : null;
  batch.messages.push([
    id,
    m.sender.userId,
    m.sender.accountId,
    m.status,
    m.index % 4 === 0 ? "api" : "web",
    headerId,
    m.sender.email,
    JSON.stringify([to]),
    "[]",
    "[]",
    subject,
    mime?.length ?? 420,
    1,
    attempts,
    nextAttemptAt,
    reply ? Number(reply.slice(0, 3)) : null,
    reply,
    lastError,
    m.status === "sent" ? updatedAt : null,
    createdAt,
    updatedAt,
  ]);
  if (mime) batch.contents.push([id, textBody, mime]);
  for (const term of searchTermsOf({ to: [to], cc: [], bcc: [], subject })) {
    batch.searchTerms.push([id, m.sender.userId, term, createdAt]);
  }
}
