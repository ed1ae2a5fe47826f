// The shape of a message to send, validated at the edge (compose form, API, relay).
import addressparser from "nodemailer/lib/addressparser";
import type { Readable } from "node:stream";
import { z } from "zod";
import { MAX_MESSAGE_BYTES, MAX_RECIPIENTS } from "./message-limits";

export { MAX_MESSAGE_BYTES, MAX_RECIPIENTS };

export interface Mailbox {
  name: string;
  address: string;
}

export const CRLF = /[\r\n]/;
// Deliberately plain: Gmail itself rejects addresses outside this (553-5.1.2).
const ADDRESS =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Parses a comma-separated address list; returns the mailboxes or the reason it is invalid. */
export function parseAddressList(
  input: string,
): { ok: true; value: Mailbox[] } | { ok: false; error: string } {
  if (CRLF.test(input)) return { ok: false, error: "Line breaks are not allowed in addresses." };
  const trimmed = input.trim();
  if (!trimmed) return { ok: true, value: [] };
  const parsed = addressparser(trimmed, { flatten: true });
  const value: Mailbox[] = [];
  for (const entry of parsed) {
    const address = entry.address?.trim() ?? "";
    if (!ADDRESS.test(address)) {
      const shown = address || entry.name || trimmed;
      return { ok: false, error: `"${shown}" is not a valid email address.` };
    }
    value.push({ name: entry.name, address });
  }
  return { ok: true, value };
}

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
