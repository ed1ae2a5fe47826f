// The body of POST /api/v1/messages: validated with the compose form's rules (addresses parsed by
// nodemailer's parser, no CR/LF in any header, at most 100 recipients, Gmail's 25 MB), plus what
// only programs send (HTML, attachments, a few headers). The OpenAPI document is generated from
// this same schema.
import { z } from "zod";
import {
  bodyTextSchema,
  checkRecipients,
  CRLF,
  MAX_MESSAGE_BYTES,
  MAX_RECIPIENTS,
  parseAddressList,
  subjectSchema,
  type Mailbox,
} from "../mail/message-input";
import { scheduleTimeProblem } from "../mail/schedule-time";

/** Headers a message may carry besides the ones Mailroom writes. */
const NAMED_HEADERS = ["in-reply-to", "references", "list-unsubscribe", "list-unsubscribe-post"];
const X_HEADER = /^x-[a-z0-9-]+$/i;
const MAX_HEADERS = 50;
const MAX_ATTACHMENTS = 100;
// One character class and a length check: a regex with a repeated group recurses per group in V8
// and overflows the stack on a 25 MB string.
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (v: string) => BASE64_CHARS.test(v) && v.length % 4 !== 1;
const CONTENT_TYPE = /^[A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*$/;
const CONTROL = /\p{Cc}/u;

/** `to`, `cc`, `bcc`, `replyTo`: one string (a comma-separated list) or a list of strings. */
const addresses = (description: string) =>
  z
    .union([z.string().max(100_000), z.array(z.string().max(1_000)).max(1_000)])
    .transform((value, ctx): Mailbox[] => {
      const items = typeof value === "string" ? [value] : value;
      const out: Mailbox[] = [];
      for (const [index, item] of items.entries()) {
        const parsed = parseAddressList(item);
        if (!parsed.ok) {
          ctx.addIssue({
            code: "custom",
            message: parsed.error,
            path: typeof value === "string" ? [] : [index],
          });
          return z.NEVER;
        }
        out.push(...parsed.value);
      }
      return out;
    })
    .meta({
      description: `${description} An address, a comma-separated list, or a list of addresses; display names are allowed ("Ada Lovelace <ada@example.com>").`,
      examples: ["Ada Lovelace <ada@example.com>", ["ada@example.com", "Bob <bob@example.org>"]],
    });

const attachmentSchema = z
  .strictObject({
    filename: z
      .string()
      .min(1, "Give the attachment a file name.")
      .max(255, "The file name is too long (255 characters at most).")
      .refine((v) => !CONTROL.test(v), "Line breaks and control characters are not allowed.")
      .meta({ description: "The file name recipients see.", example: "invoice.pdf" }),
    contentType: z
      .string()
      .max(255)
      .regex(CONTENT_TYPE, "Use a media type such as application/pdf.")
      .default("application/octet-stream")
      .meta({ description: "The attachment's media type.", example: "application/pdf" }),
    content: z
      .string()
      .max(MAX_MESSAGE_BYTES * 2, "The attachment is larger than 25 MB.")
      .refine(isBase64, "The content must be base64 (standard alphabet, no line breaks).")
      .transform((v) => Buffer.from(v, "base64"))
      .meta({ description: "The file's bytes, base64-encoded.", example: "SGVsbG8=" }),
  })
  .meta({ id: "Attachment" });

const headersSchema = z
  .record(z.string(), z.string().max(998, "A header value is at most 998 characters."))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) {
      ctx.addIssue({ code: "custom", message: `At most ${MAX_HEADERS} headers.` });
    }
    for (const name of names) {
      if (!NAMED_HEADERS.includes(name.toLowerCase()) && !X_HEADER.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `The header "${name.slice(0, 100)}" is not allowed: only In-Reply-To, References, List-Unsubscribe, List-Unsubscribe-Post and X-* headers may be set.`,
        });
      } else if (CRLF.test(headers[name] ?? "")) {
        ctx.addIssue({ code: "custom", path: [name], message: "Line breaks are not allowed." });
      }
    }
  })
  .meta({
    description:
      "Extra headers: In-Reply-To, References, List-Unsubscribe, List-Unsubscribe-Post and X-* only.",
    example: { "List-Unsubscribe": "<mailto:unsubscribe@example.com>", "X-Campaign": "spring" },
  });

export const messageRequestSchema = z
  .strictObject({
    from: z
      .string()
      .max(1_000)
      .transform((value, ctx): Mailbox => {
        const parsed = parseAddressList(value);
        if (!parsed.ok || parsed.value.length !== 1) {
          ctx.addIssue({
            code: "custom",
            message: parsed.ok ? "Give one address to send from." : parsed.error,
          });
          return z.NEVER;
        }
        return parsed.value[0]!;
      })
      .optional()
      .meta({
        description:
          "The sender, with an optional display name. It must be one of the key's From addresses; default: the key's first.",
        example: "Ada Lovelace <ada@example.com>",
      }),
    to: addresses("The recipients."),
    cc: addresses("Copy recipients.").optional(),
    bcc: addresses("Blind copy recipients (not in the headers recipients see).").optional(),
    replyTo: addresses("Where replies should go.").optional(),
    subject: subjectSchema
      .default("")
      .meta({ description: "The subject (998 characters at most)." }),
    text: bodyTextSchema.optional().meta({ description: "The plain-text body." }),
    html: z
      .string()
      .max(MAX_MESSAGE_BYTES, "The HTML body is larger than 25 MB.")
      .optional()
      .meta({ description: "The HTML body." }),
    attachments: z
      .array(attachmentSchema)
      .max(MAX_ATTACHMENTS, `At most ${MAX_ATTACHMENTS} attachments.`)
      .optional(),
    headers: headersSchema.optional(),
    scheduledAt: z.iso
      .datetime({ offset: true, error: "Use an ISO 8601 time, e.g. 2030-01-01T09:00:00Z." })
      .transform((value, ctx) => {
        const at = new Date(value);
        const problem = scheduleTimeProblem(at);
        if (problem) {
          ctx.addIssue({ code: "custom", message: problem });
          return z.NEVER;
        }
        return at;
      })
      .optional()
      .meta({
        description: "Send later: the message waits until this time (at most a year ahead).",
        example: "2030-01-01T09:00:00Z",
      }),
  })
  .superRefine((m, ctx) => {
    checkRecipients({ to: m.to, cc: m.cc ?? [], bcc: m.bcc ?? [] }, ctx);
    if (m.text === undefined && m.html === undefined) {
      ctx.addIssue({ code: "custom", path: ["text"], message: "Give a text or an html body." });
    }
  })
  .meta({
    id: "NewMessage",
    description: `A message to send: at least one recipient in \`to\`, at most ${MAX_RECIPIENTS} in all, and a \`text\` or \`html\` body; at most 25 MB once built.`,
  });

export type MessageRequest = z.output<typeof messageRequestSchema>;

/** Idempotency-Key: 1–255 visible ASCII characters. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "Use 1 to 255 visible ASCII characters.")
  .meta({
    description:
      "Any unique string (e.g. a UUID). The same key with the same body within 24 hours returns the first answer (with `Idempotent-Replayed: true`) and makes no second message; with another body it is refused (422).",
    example: "order-1234-receipt",
  });
