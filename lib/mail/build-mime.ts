// Builds a message's MIME once, at enqueue, with a stable Message-ID, so every attempt sends
// the same bytes.
import { randomUUID } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Mailbox } from "./message-input";

export interface BuiltMessage {
  mime: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

export async function buildMime(options: {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  text: string;
  date?: Date;
}): Promise<BuiltMessage> {
  const domain = options.from.address.split("@")[1] ?? "mailroom.local";
  const messageId = `<${randomUUID()}@${domain}>`;
  const composer = new MailComposer({
    from: options.from,
    to: options.to,
    cc: options.cc.length ? options.cc : undefined,
    // Bcc stays in the envelope only: it must not appear in the headers recipients see.
    subject: options.subject,
    text: options.text,
    messageId,
    date: options.date ?? new Date(),
    headers: { "X-Mailer": "Mailroom" },
  });
  const mime = await composer.compile().build();
  return {
    mime,
    messageId,
    envelope: {
      from: options.from.address,
      to: [...options.to, ...options.cc, ...options.bcc].map((m) => m.address),
    },
  };
}
