// What Mailroom reads from a message submitted to the relay: its top-level header lines and
// headers as mailparser decodes them (From, Sender, To, Cc with their display names; the
// subject), and the text the history shows. mailparser reads every message; but it streams one
// line of the body per turn of the event loop, so a relay busy with other connections kept each
// message waiting many turns. The common message, one plain-text part, is read here at once with
// the same code mailparser runs for it: mailsplit's MimeNode for the header block, mailparser's
// own header decoding, and its text rule for such a part (the body, line breaks as "\n").
// Anything else (parts, transfer or charset encodings, flowed text, attachments) goes to
// mailparser whole.
import { MimeNode } from "@zone-eu/mailsplit";
import { MailParser, simpleParser, type AddressObject, type HeaderLines } from "mailparser";
import { HEADER_BLOCK_ON_ITS_OWN, headerBlockEnd } from "./submitted-mime";

export interface SubmittedView {
  /** The top-level header lines, as submitted (keys lower-cased). */
  headerLines: HeaderLines;
  /** mailparser's decoded top-level headers, by lower-cased name. */
  headers: Map<string, unknown>;
  subject?: string;
  from?: AddressObject;
  to?: AddressObject | AddressObject[];
  cc?: AddressObject | AddressObject[];
  /** The message's plain text, as mailparser gives it. */
  text?: string;
}

const PARSER_OPTIONS = { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true };

/** Charsets mailparser reads as UTF-8 without converting (its own list, compared the same way). */
const UTF8_CHARSETS = ["ascii", "usascii", "utf8"];

export async function readSubmitted(raw: Buffer): Promise<SubmittedView> {
  return readPlainText(raw) ?? (await readWithMailparser(raw));
}

/** mailparser on the whole message. */
export async function readWithMailparser(raw: Buffer): Promise<SubmittedView> {
  const parsed = await simpleParser(raw, PARSER_OPTIONS);
  return {
    headerLines: parsed.headerLines,
    headers: parsed.headers,
    subject: parsed.subject,
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    text: parsed.text,
  };
}

/** The header decoding mailparser applies to each node's header lines (not in its typings). */
interface HeaderDecoder {
  processHeaders(lines: unknown): Map<string, unknown>;
}

let decoder: HeaderDecoder | undefined;

/** One parser kept for its header decoding, which reads only its options. */
function headerDecoder(): HeaderDecoder {
  decoder ??= new MailParser(PARSER_OPTIONS) as unknown as HeaderDecoder;
  return decoder;
}

/**
 * A message whose top level is one plain-text part, inline, UTF-8 or ASCII, neither base64 nor
 * quoted-printable nor flowed: read as mailparser reads it. undefined for any other message.
 */
export function readPlainText(raw: Buffer): SubmittedView | undefined {
  const end = headerBlockEnd(raw);
  if (end > HEADER_BLOCK_ON_ITS_OWN) return undefined;
  // As mailsplit's splitter makes the root node: the header block, the empty line included
  // (of the splitter's options the node reads only Iconv, which mailparser does not set).
  const root = new MimeNode(false, {});
  root.addHeaderChunk(raw.subarray(0, end));
  root.parseHeaders();
  if ((root.contentType || "text/plain") !== "text/plain") return undefined;
  if (root.disposition && root.disposition !== "inline") return undefined;
  if (root.encoding === "base64" || root.encoding === "quoted-printable") return undefined;
  if (root.flowed) return undefined;
  const charset = (root.charset || "utf-8").toLowerCase().replace(/[^a-z0-9]+/g, "");
  if (!UTF8_CHARSETS.includes(charset)) return undefined;
  if (!root.headers) return undefined;
  const list = root.headers.getList();
  const headerLines = root.headers.lines;
  if (!headerLines) return undefined;

  const headers = headerDecoder().processHeaders(list);
  const text = raw.subarray(end).toString().replace(/\r?\n/g, "\n");
  return {
    headerLines,
    headers,
    subject: headers.get("subject") as string | undefined,
    from: headers.get("from") as AddressObject | undefined,
    to: headers.get("to") as SubmittedView["to"],
    cc: headers.get("cc") as SubmittedView["cc"],
    // mailparser leaves an empty text out.
    text: text || undefined,
  };
}
