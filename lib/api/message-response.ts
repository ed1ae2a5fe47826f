// What the HTTP API answers about messages, as zod schemas (for the OpenAPI document) and the
// functions that build those answers from the outbox's reads.
import { z } from "zod";
import { MESSAGE_STATUSES } from "../outbox/message-status";
import { decodeSource, SOURCE_KINDS } from "../outbox/message-source";
import type { ListedMessage, MessageDetail } from "../outbox/message-views";

const status = z.enum(MESSAGE_STATUSES).meta({
  description:
    "queued → sending → sent; or deferred (retried at nextAttemptAt) → … → failed; or canceled.",
});
const time = z.string().meta({ format: "date-time", example: "2030-01-01T09:00:00.000Z" });
const source = z.object({
  kind: z
    .enum(SOURCE_KINDS)
    .meta({ description: "web: the compose form; api: the HTTP API; relay: the SMTP relay." }),
  apiKey: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .meta({ description: "The API key it was sent with (api and relay only)." }),
});
const reply = z
  .object({ code: z.number().int().nullable(), text: z.string() })
  .nullable()
  .meta({ description: "Gmail's last SMTP reply, e.g. 250 2.0.0 OK." });

export const acceptedMessageSchema = z
  .object({ id: z.string(), status })
  .meta({ id: "AcceptedMessage" });

export const messageSummarySchema = z
  .object({
    id: z.string(),
    status,
    source,
    to: z.array(z.string()),
    subject: z.string(),
    createdAt: time,
    scheduledAt: time.nullable(),
    sentAt: time.nullable(),
    attempts: z.number().int(),
    lastReply: reply,
    lastError: z.string().nullable(),
  })
  .meta({ id: "MessageSummary" });

export const messageSchema = messageSummarySchema
  .extend({
    from: z.string(),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    nextAttemptAt: time
      .nullable()
      .meta({ description: "When a queued or deferred message is due." }),
    events: z
      .array(
        z.object({
          type: z.string(),
          status: z.string().nullable(),
          smtpCode: z.number().int().nullable(),
          smtpReply: z.string().nullable(),
          detail: z.string().nullable(),
          createdAt: time,
        }),
      )
      .meta({ description: "The timeline, oldest first: every status change and SMTP reply." }),
  })
  .meta({ id: "Message" });

export const messagePageSchema = z
  .object({
    messages: z.array(messageSummarySchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` for the next (older) page; null on the last." }),
  })
  .meta({ id: "MessagePage" });

type KeyNames = ReadonlyMap<string, string>;

const iso = (d: Date | null) => d?.toISOString() ?? null;
const strings = (v: unknown) =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

function sourceOf(stored: string, names: KeyNames): z.input<typeof source> {
  const { kind, apiKeyId } = decodeSource(stored);
  return (kind === "api" || kind === "relay") && apiKeyId
    ? { kind, apiKey: { id: apiKeyId, name: names.get(apiKeyId) ?? "" } }
    : { kind: "web", apiKey: null };
}

export function messageSummaryJson(
  m: ListedMessage,
  names: KeyNames,
): z.input<typeof messageSummarySchema> {
  return {
    id: m.id,
    status: m.status as z.input<typeof status>,
    source: sourceOf(m.source, names),
    to: strings(m.to),
    subject: m.subject,
    createdAt: m.createdAt.toISOString(),
    scheduledAt: iso(m.scheduledAt),
    sentAt: iso(m.sentAt),
    attempts: m.attempts,
    lastReply: m.lastSmtpReply ? { code: m.lastSmtpCode, text: m.lastSmtpReply } : null,
    lastError: m.lastError,
  };
}

export function messageJson(m: MessageDetail, names: KeyNames): z.input<typeof messageSchema> {
  const pending = m.status === "queued" || m.status === "deferred";
  return {
    ...messageSummaryJson(m, names),
    from: m.fromAddress,
    cc: strings(m.cc),
    bcc: strings(m.bcc),
    nextAttemptAt: pending ? m.nextAttemptAt.toISOString() : null,
    events: m.events.map((e) => ({
      type: e.type,
      status: e.status,
      smtpCode: e.smtpCode,
      smtpReply: e.smtpReply,
      detail: e.detail,
      createdAt: e.createdAt.toISOString(),
    })),
  };
}
