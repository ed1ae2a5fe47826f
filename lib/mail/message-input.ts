// The shape of a message to send, validated at the edge (compose form, API, relay).
import type { Readable } from "node:stream";
import { z } from "zod";
import { MAX_MESSAGE_BYTES, MAX_RECIPIENTS } from "./message-limits";
import { CRLF, parseAddressList, type Mailbox } from "./parse-address-list";

export { MAX_MESSAGE_BYTES, MAX_RECIPIENTS };
export { CRLF, parseAddressList, type Mailbox };

const addressList = (label: string) =>
  z
    .string()
    .transform((raw, ctx) => {
      const result = parseAddressList(raw);
      if (!result.ok) {
        ctx.addIssue({ code: "custom", message: result.error });
        return z.NEVER;
      }
      return result.value;
    })
    .describe(label);

export const subjectSchema = z
  .string()
  .max(998, "The subject is too long (998 characters at most).")
  .refine((v) => !CRLF.test(v), "Line breaks are not allowed in the subject.");

export const bodyTextSchema = z
  .string()
  .max(MAX_MESSAGE_BYTES, "The message is larger than 25 MB.");

/** Compose's and the API's rule for a message's recipients: at least one To, at most 100 in all. */
export function checkRecipients(
  m: { to: Mailbox[]; cc: Mailbox[]; bcc: Mailbox[] },
  ctx: z.RefinementCtx,
): void {
  const count = m.to.length + m.cc.length + m.bcc.length;
  if (m.to.length === 0)
    ctx.addIssue({ code: "custom", path: ["to"], message: "Add at least one recipient." });
  if (count > MAX_RECIPIENTS) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `Gmail takes at most ${MAX_RECIPIENTS} recipients per message (this one has ${count}).`,
    });
  }
}

export const messageInputSchema = z
  .object({
    from: z
      .string()
      .trim()
      .min(1, "Choose the address to send from.")
      .refine((v) => !CRLF.test(v), "Line breaks are not allowed."),
    to: addressList("To"),
    cc: addressList("Cc").default([]),
    bcc: addressList("Bcc").default([]),
    subject: subjectSchema,
    text: bodyTextSchema,
  })
  .superRefine(checkRecipients);

/** A file sent with a message (the HTTP API's `attachments`, or an upload read as a stream). */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer | Readable;
}

/** A message to send: the compose form's fields, and what the HTTP API may add to them. */
export interface MessageInput extends z.output<typeof messageInputSchema> {
  /** The From header's display name (the address is `from`). */
  fromName?: string;
  replyTo?: Mailbox[];
  html?: string;
  attachments?: Attachment[];
  /** Extra headers, already checked against the API's allowlist. */
  headers?: Record<string, string>;
}
export type MessageInputFields = z.input<typeof messageInputSchema>;

/** Field → first error message, for showing errors beside form fields. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}
