// Builds a message's MIME once, at enqueue, with a stable Message-ID, so every attempt sends
// the same bytes.
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Attachment, Mailbox } from "./message-input";

export interface BuiltMessage {
  mime: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

/** A fresh Message-ID header value on the sender's domain. */
export function newMessageIdHeader(fromAddress: string): string {
  const domain = fromAddress.split("@")[1] ?? "mailroom.local";
  return `<${randomUUID()}@${domain}>`;
}

export interface MimeOptions {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: Mailbox[];
  attachments?: Attachment[];
  /** Extra headers (the HTTP API's allowlist: In-Reply-To, References, List-Unsubscribe…, X-*). */
  headers?: Record<string, string>;
  /** The Message-ID to use (chosen before the build, e.g. for an idempotent request). */
  messageId?: string;
  date?: Date;
}

export async function buildMime(options: MimeOptions): Promise<BuiltMessage> {
  const { composer, messageId } = composerFor(options);
  const mime = await composer.compile().build();
  return { mime, messageId, envelope: envelopeOf(options) };
}

/**
 * The MIME as a stream, for a message with big attachments given as streams: nodemailer encodes
 * each as it reads it, so neither the files nor the message are ever whole in memory.
 */
export function buildMimeStream(options: MimeOptions): { stream: Readable; messageId: string } {
  const { composer, messageId } = composerFor(options);
  return { stream: composer.compile().createReadStream(), messageId };
}

function envelopeOf(options: MimeOptions): BuiltMessage["envelope"] {
  return {
    from: options.from.address,
    to: [...options.to, ...options.cc, ...options.bcc].map((m) => m.address),
  };
}

function composerFor(options: MimeOptions) {
  const messageId = options.messageId ?? newMessageIdHeader(options.from.address);
  const composer = new MailComposer({
    from: options.from,
    to: options.to,
    cc: options.cc.length ? options.cc : undefined,
    // Bcc stays in the envelope only: it must not appear in the headers recipients see.
    replyTo: options.replyTo?.length ? options.replyTo : undefined,
    subject: options.subject,
    // An HTML-only message has no text part.
    text: options.html !== undefined && options.text === "" ? undefined : options.text,
    html: options.html,
    attachments: options.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      // Always base64: the bytes arrive exactly as sent, whatever they are.
      contentTransferEncoding: "base64",
    })),
    messageId,
    // The boundaries' random part, from the same cached entropy as randomUUID: nodemailer would
    // otherwise make a randomBytes call of its own for every message.
    baseBoundary: randomUUID().replaceAll("-", ""),
    date: options.date ?? new Date(),
    headers: { "X-Mailer": "Mailroom", ...options.headers },
  });
  return { composer, messageId };
}
