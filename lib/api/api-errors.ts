// The HTTP API's error answers: `{"error":{"code","message"}}` (and `field` when one field is to
// blame), from this fixed list. AppError codes map to them one to one.
import { z } from "zod";

export const API_ERRORS = [
  { status: 400, code: "bad_request", when: "The body is not valid JSON (or not UTF-8)." },
  { status: 401, code: "unauthorized", when: "No API key, or an unknown or revoked one." },
  {
    status: 403,
    code: "forbidden",
    when: "The key may not do this: a From address it does not allow, or reading with a send-only key.",
  },
  {
    status: 404,
    code: "not_found",
    when: "No such message among yours (the same answer for both).",
  },
  {
    status: 405,
    code: "method_not_allowed",
    when: "The path exists but does not take this method; the Allow header lists those it takes.",
  },
  {
    status: 409,
    code: "conflict",
    when: "The message can no longer be canceled, or no Google account is connected.",
  },
  {
    status: 409,
    code: "idempotency_in_progress",
    when: "A request with this Idempotency-Key is still being processed; try again shortly.",
  },
  {
    status: 413,
    code: "too_large",
    when: "The request is larger than 29 MB, or the message larger than Gmail's 25 MB.",
  },
  {
    status: 415,
    code: "unsupported_media_type",
    when: "The body is not sent as application/json.",
  },
  { status: 422, code: "invalid_input", when: "A field is invalid; `field` names it." },
  {
    status: 422,
    code: "idempotency_key_reused",
    when: "This Idempotency-Key was used with another body in the last 24 hours.",
  },
  {
    status: 429,
    code: "rate_limited",
    when: "Too many requests for this key, or too many messages for this account; wait Retry-After seconds.",
  },
  { status: 500, code: "internal", when: "Mailroom failed; the operator's log says why." },
] as const;

export type ApiErrorCode = (typeof API_ERRORS)[number]["code"];

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERRORS.map((e) => e.code) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string().meta({ description: "What went wrong, for a person." }),
      field: z.string().optional().meta({
        description: "The field to blame (invalid_input), e.g. `to` or `attachments.0.content`.",
      }),
    }),
  })
  .meta({ id: "Error" });

export type ApiErrorBody = z.input<typeof apiErrorSchema>;
