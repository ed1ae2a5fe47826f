// Every message the SMTP side or the Gmail API accepted ("Sent" mail): envelope, account, raw MIME, parsed headers.
import { randomBytes } from "node:crypto";
import { simpleParser, type AddressObject } from "mailparser";
import { normalizeEmail } from "./state/accounts";
import type { MessageListener, StoredMessage, StoredMessageSummary } from "./types";

// A long demo session must not grow memory forever; the oldest messages go first.
export const DEFAULT_MAILBOX_LIMIT = 1000;

export interface IncomingMessageInput {
  account: string;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  receivedAt: number;
  via: "smtp" | "api";
  credential: "oauth" | "app-password";
  listener: MessageListener;
  port: number;
  /** Addresses the account may send as (Gmail rewrites any other From to the primary address). */
  sendableAddresses: string[];
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return "";
  return (Array.isArray(value) ? value : [value]).map((v) => v.text).join(", ");
}

function headerValue(line: string): string {
  const colon = line.indexOf(":");
  return (colon < 0 ? line : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, " ").trim();
}

export async function parseIncoming(input: IncomingMessageInput): Promise<StoredMessage> {
  const base = {
    id: randomBytes(8).toString("hex"),
    account: normalizeEmail(input.account),
    envelope: { mailFrom: input.mailFrom, rcptTo: [...input.rcptTo] },
    receivedAt: new Date(input.receivedAt).toISOString(),
    size: input.raw.length,
    via: input.via,
    credential: input.credential,
    listener: input.listener,
    port: input.port,
    raw: input.raw.toString("utf8"),
  };
  try {
    const parsed = await simpleParser(input.raw, { skipImageLinks: true });
    const fromAddress = parsed.from?.value[0]?.address;
    return {
      ...base,
      subject: parsed.subject ?? "",
      messageId: parsed.messageId ?? "",
      from: addressText(parsed.from),
      to: addressText(parsed.to),
      fromRewritten:
        fromAddress !== undefined && !input.sendableAddresses.includes(normalizeEmail(fromAddress)),
      headers: parsed.headerLines.map(({ key, line }) => ({ name: key, value: headerValue(line) })),
      text: parsed.text ?? "",
      html: typeof parsed.html === "string" ? parsed.html : "",
    };
  } catch {
    // Gmail accepts what it cannot parse; so does the mailbox, with the raw source only.
    return {
      ...base,
      subject: "",
      messageId: "",
      from: "",
      to: "",
      fromRewritten: false,
      headers: [],
      text: "",
      html: "",
    };
  }
}

export function summarize(message: StoredMessage): StoredMessageSummary {
  return {
    id: message.id,
    account: message.account,
    envelope: { mailFrom: message.envelope.mailFrom, rcptTo: [...message.envelope.rcptTo] },
    subject: message.subject,
    messageId: message.messageId,
    from: message.from,
    to: message.to,
    fromRewritten: message.fromRewritten,
    receivedAt: message.receivedAt,
    size: message.size,
    via: message.via,
    credential: message.credential,
    listener: message.listener,
    port: message.port,
  };
}

export class Mailbox {
  private messages: StoredMessage[] = [];
  // Gmail's historyId only ever grows, whatever is deleted.
  private history = 1000;

  constructor(private readonly limit = DEFAULT_MAILBOX_LIMIT) {}

  add(message: StoredMessage): void {
    this.messages.push(message);
    if (this.messages.length > this.limit) this.messages.shift();
    this.history += 1;
  }

  historyId(): string {
    return String(this.history);
  }

  /** Newest first, optionally only one account's. */
  list(filter: { email?: string } = {}): StoredMessage[] {
    const account = filter.email === undefined ? undefined : normalizeEmail(filter.email);
    return this.messages.filter((m) => account === undefined || m.account === account).reverse();
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  clear(): number {
    const count = this.messages.length;
    this.messages = [];
    return count;
  }
}
