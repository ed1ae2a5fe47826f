// One message submitted to the relay, into the outbox: its From checked against the key, kept as
// submitted (submitted-mime.ts), and accepted with the recipients of the envelope. What the
// history shows (subject, the text, To and Cc) is read from the message's own headers as
// mailparser reads them (submitted-view.ts).
import "server-only";
import type { AddressObject, EmailAddress } from "mailparser";
import type { ApiKeyIdentity } from "../api-keys/authenticate-api-key";
import { db } from "../db";
import { findUserAccount } from "../diagnostics/find-user-account";
import { sendWayOf } from "../sending/ways/send-ways";
import { newMessageIdHeader } from "../mail/build-mime";
import { displayNamesOf } from "../outbox/display-names";
import { enqueueRawMessage } from "../outbox/enqueue-message";
import { RelayReply, relayReplies } from "./relay-reply";
import { keepAsSubmitted } from "./submitted-mime";
import { readSubmitted } from "./submitted-view";

export interface RelaySubmission {
  key: ApiKeyIdentity;
  /** The AUTH username: recorded with the message, never trusted. */
  username: string;
  clientAddress: string;
  /** RCPT TO, in order: who the message goes to (To, Cc and Bcc alike). */
  recipients: string[];
  /** The message as it came after DATA. */
  raw: Buffer;
}

const MAX_SUBJECT = 998;

export async function submitRelayMessage(submission: RelaySubmission): Promise<{ id: string }> {
  const { key, recipients, raw } = submission;
  if (raw.length === 0) throw new RelayReply(554, "5.6.0", "The message is empty.");

  const parsed = await readSubmitted(raw);

  // One From, naming one of the key's addresses (as MAIL FROM must); a Sender, if any, too.
  const from = mailboxes(parsed.from);
  if (parsed.headerLines.filter((line) => line.key === "from").length !== 1 || from.length !== 1) {
    throw new RelayReply(
      550,
      "5.7.1",
      "The message needs exactly one From header with one address, one the key may send from.",
    );
  }
  const fromAddress = from[0]!.address ?? "";
  const sender = mailboxes(parsed.headers.get("sender") as AddressObject | undefined);
  for (const address of [fromAddress, ...sender.map((m) => m.address ?? "")]) {
    if (!key.allowedFrom.includes(address.toLowerCase()))
      throw relayReplies.fromNotAllowed(address);
  }

  const kept = await keepAsSubmitted(raw, () => newMessageIdHeader(fromAddress));

  // The envelope decides who gets it; the headers only say which of them were To or Cc.
  const inTo = new Set(mailboxes(parsed.to).map(lowerAddress));
  const inCc = new Set(mailboxes(parsed.cc).map(lowerAddress));
  const to = recipients.filter((r) => inTo.has(r.toLowerCase()));
  const cc = recipients.filter((r) => !inTo.has(r.toLowerCase()) && inCc.has(r.toLowerCase()));
  const bcc = recipients.filter((r) => !inTo.has(r.toLowerCase()) && !inCc.has(r.toLowerCase()));
  await refuseNarrowEnvelopeForGmailApi(key.userId, recipients, [...inTo, ...inCc]);

  const message = {
    userId: key.userId,
    source: { kind: "relay" as const, apiKeyId: key.id },
    fromAddress,
    messageIdHeader: kept.messageId,
    to,
    cc,
    bcc,
    displayNames: displayNamesOf(
      [...from, ...mailboxes(parsed.to), ...mailboxes(parsed.cc)].map((m) => ({
        name: m.name,
        address: m.address ?? "",
      })),
    ),
    subject: oneLine(parsed.subject ?? "").slice(0, MAX_SUBJECT),
    textBody: parsed.text ?? "",
    mime: kept.mime,
    queuedDetail: `Accepted into the outbox from the SMTP relay (login "${oneLine(submission.username).slice(0, 100)}", from ${submission.clientAddress})`,
  };
  try {
    return await enqueueRawMessage(message);
  } catch (error) {
    // The Message-ID is unique in the outbox. The same message again (a client that never
    // heard the first 250) is the one already accepted; any other message is refused.
    const earlier = await acceptedWithMessageId(kept.messageId);
    if (!earlier) throw error;
    if (
      earlier.userId === key.userId &&
      sameRecipients(earlier, message) &&
      earlier.mime !== undefined &&
      Buffer.from(earlier.mime).equals(kept.mime)
    ) {
      return { id: earlier.id };
    }
    throw relayReplies.messageIdTaken(kept.messageId);
  }
}

async function acceptedWithMessageId(messageIdHeader: string) {
  const prisma = await db();
  const row = await prisma.message.findUnique({
    where: { messageIdHeader },
    select: {
      id: true,
      userId: true,
      to: true,
      cc: true,
      bcc: true,
      content: { select: { mime: true } },
    },
  });
  return row && { ...row, mime: row.content?.mime };
}

function sameRecipients(
  stored: { to: unknown; cc: unknown; bcc: unknown },
  message: { to: string[]; cc: string[]; bcc: string[] },
): boolean {
  const key = (v: { to: unknown; cc: unknown; bcc: unknown }) =>
    JSON.stringify([v.to, v.cc, v.bcc]);
  return key(stored) === key(message);
}

/** The mailboxes of an address header, groups flattened. */
function mailboxes(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const flatten = (list: EmailAddress[]): EmailAddress[] =>
    list.flatMap((m) => (m.group ? flatten(m.group) : m.address ? [m] : []));
  return objects.flatMap((o) => flatten(o.value));
}

function lowerAddress(mailbox: EmailAddress): string {
  return (mailbox.address ?? "").toLowerCase();
}

/** A header value decoded by mailparser, without the control characters it may carry. */
function oneLine(value: string): string {
  return value.replace(/\p{Cc}+/gu, " ").trim();
}

/**
 * The Gmail API has no envelope: it delivers to everyone the To and Cc headers name. A message
 * whose envelope leaves some of them out (a list server's copy per member, say) would reach
 * them all, so an account that sends with the Gmail API refuses it rather than over-deliver.
 */
async function refuseNarrowEnvelopeForGmailApi(
  userId: string,
  recipients: string[],
  named: string[],
): Promise<void> {
  const envelope = new Set(recipients.map((r) => r.toLowerCase()));
  const left = named.filter((address) => address && !envelope.has(address));
  if (left.length === 0) return;
  const account = await findUserAccount(userId);
  if (sendWayOf(account?.sendWay) !== "gmail_api") return;
  throw new RelayReply(
    550,
    "5.7.1",
    `This account sends with the Gmail API, which delivers to every To and Cc address; the envelope leaves out ${printable(left[0] ?? "")}. Send it with headers that match the envelope, or choose SMTP on Mailroom's status page.`,
  );
}

function printable(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, "?").slice(0, 200);
}
