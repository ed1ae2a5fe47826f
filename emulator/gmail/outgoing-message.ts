// What users.messages.send does with the RFC 822 message it is given: recipients come from the
// To, Cc and Bcc headers (there is no envelope), and the Bcc header is removed before the
// message is stored and delivered, as Gmail does.
import { simpleParser, type AddressObject } from "mailparser";
import { isValidRecipient } from "../smtp/rfc5321-address";
import { MAX_RECIPIENTS } from "../smtp/session-handlers";
import { INVALID_ARGUMENT } from "./google-errors";

export interface OutgoingMessage {
  /** The message as Gmail stores it: the Bcc header gone. */
  raw: Buffer;
  recipients: string[];
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] | undefined {
  if (!value) return undefined;
  const list = (Array.isArray(value) ? value : [value]).flatMap((object) => object.value);
  // Groups ("Team: a@x, b@y;") carry their members in `group`.
  return list.flatMap((entry) =>
    entry.group ? entry.group.map((member) => member.address ?? "") : [entry.address ?? ""],
  );
}

/** The message without its Bcc field (and the field's folded continuation lines). */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString("latin1");
  const separator = /\r?\n\r?\n/.exec(text);
  const header = separator ? text.slice(0, separator.index) : text;
  const rest = separator ? text.slice(separator.index) : "";
  const eol = header.includes("\r\n") ? "\r\n" : "\n";
  const kept: string[] = [];
  let dropping = false;
  for (const line of header.split(/\r?\n/)) {
    if (!/^[ \t]/.test(line)) dropping = /^bcc\s*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.from(kept.join(eol) + rest, "latin1");
}

/** Reads the recipients and refuses what Gmail refuses, with its 400 invalidArgument texts. */
export async function prepareOutgoing(raw: Buffer): Promise<OutgoingMessage> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipHtmlToText: true });
  const recipients: string[] = [];
  for (const [name, value] of [
    ["To", parsed.to],
    ["Cc", parsed.cc],
    ["Bcc", parsed.bcc],
  ] as const) {
    const found = addresses(value);
    if (found === undefined) continue;
    if (found.length === 0 || found.some((address) => !isValidRecipient(address))) {
      throw INVALID_ARGUMENT(`Invalid ${name} header`);
    }
    for (const address of found) {
      if (!recipients.some((r) => r.toLowerCase() === address.toLowerCase())) {
        recipients.push(address);
      }
    }
  }
  if (recipients.length === 0) throw INVALID_ARGUMENT("Recipient address required");
  if (recipients.length > MAX_RECIPIENTS) throw INVALID_ARGUMENT("Too many recipients");
  return { raw: withoutBcc(raw), recipients };
}
