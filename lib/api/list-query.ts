// The query of GET /api/v1/messages: each parameter at most once, each checked (422 naming it).
import { z } from "zod";
import { recordIdSchema } from "../http/record-id";
import { MESSAGE_STATUSES } from "../outbox/message-status";
import { SOURCE_KINDS } from "../outbox/message-source";

export const MAX_PAGE_LIMIT = 100;

export const listQuerySchema = z.strictObject({
  status: z
    .enum(MESSAGE_STATUSES)
    .optional()
    .meta({ description: "Only messages in this status." }),
  source: z.enum(SOURCE_KINDS).optional().meta({
    description:
      "Only messages from the compose form (web), the HTTP API (api) or the SMTP relay (relay).",
  }),
  cursor: recordIdSchema.optional().meta({ description: "The nextCursor of the previous page." }),
  limit: z.coerce
    .number({ error: `Use a whole number from 1 to ${MAX_PAGE_LIMIT}.` })
    .int({ error: `Use a whole number from 1 to ${MAX_PAGE_LIMIT}.` })
    .min(1, { error: `Use a whole number from 1 to ${MAX_PAGE_LIMIT}.` })
    .max(MAX_PAGE_LIMIT, { error: `Use a whole number from 1 to ${MAX_PAGE_LIMIT}.` })
    .default(50)
    .meta({ description: `Messages per page (1–${MAX_PAGE_LIMIT}, default 50).` }),
});

/** The query string as an object; a repeated parameter is refused rather than half-read. */
export function queryObject(
  url: URL,
): { ok: true; value: Record<string, string> } | { ok: false; repeated: string } {
  const value: Record<string, string> = {};
  for (const [name, item] of url.searchParams) {
    if (Object.hasOwn(value, name)) return { ok: false, repeated: name };
    value[name] = item;
  }
  return { ok: true, value };
}
