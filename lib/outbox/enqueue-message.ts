// Accepts a message into the outbox: MIME built once (or taken as submitted to the SMTP relay),
// message and "queued" event in one durable commit before the caller hears "accepted". Every way
// in (web, API, relay) comes through here, so each gets the per-user limits (user-limits.ts).
import "server-only";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { buildMime } from "../mail/build-mime";
import { MAX_MESSAGE_BYTES, type MessageInput } from "../mail/message-input";
import { formatMegabytes } from "../mail/message-limits";
import { resolveSender } from "../send-as/resolve-sender";
import { displayNamesOf } from "./display-names";
import { encodeSource, type MessageSource } from "./message-source";
import { outbox } from "./open-outbox";
import type { NewMessage, Outbox } from "./outbox";
import { backlogFullError, takeSendRate } from "./user-limits";

export async function enqueueMessage(options: {
  userId: string;
  input: MessageInput;
  /** Where it came from (default: the web's compose form). */
  source?: MessageSource;
  /** Send later: the message waits in the queue until this time. */
  scheduledAt?: Date;
  /** The Message-ID header to give it (default: a new one). Unique: a second accept fails. */
  messageIdHeader?: string;
}): Promise<{ id: string; status: string }> {
  const { userId, input, scheduledAt } = options;
  const { store, account, sender } = await senderChecked(userId, input.from);
  await takeSendRate(userId);

  // Gmail's display name and reply-to for the address, unless the message names its own.
  const replyTo =
    input.replyTo ?? (sender.replyTo ? [{ name: "", address: sender.replyTo }] : undefined);
  const from = { name: input.fromName || sender.displayName, address: sender.address };
  const built = await buildMime({
    from,
    to: input.to,
    cc: input.cc,
    bcc: input.bcc,
    replyTo,
    subject: input.subject,
    text: input.text,
    html: input.html,
    attachments: input.attachments,
    headers: input.headers,
    messageId: options.messageIdHeader,
  });
  return accept(store, {
    userId,
    accountId: account.id,
    source: options.source ?? { kind: "web" },
    messageIdHeader: built.messageId,
    // Also the envelope's MAIL FROM (deliver-message.ts).
    fromAddress: sender.address,
    to: input.to.map((m) => m.address),
    cc: input.cc.map((m) => m.address),
    bcc: input.bcc.map((m) => m.address),
    displayNames: displayNamesOf([from, ...input.to, ...input.cc, ...input.bcc]),
    subject: input.subject,
    textBody: input.text,
    mime: built.mime,
    scheduledAt,
  });
}

/**
 * Accepts a message whose MIME is already made (the SMTP relay's, as its client submitted it),
 * with the same checks and limits as enqueueMessage. The caller gives what the history shows
 * (subject, text) and the recipients the worker sends to (to + cc + bcc: the envelope).
 */
export async function enqueueRawMessage(
  options: Omit<Acceptable, "accountId" | "scheduledAt">,
): Promise<{ id: string; status: string }> {
  const { store, account, sender } = await senderChecked(options.userId, options.fromAddress);
  await takeSendRate(options.userId);
  return accept(store, { ...options, accountId: account.id, fromAddress: sender.address });
}

/** The user's connected account, and `from` as its own address or one of its verified aliases. */
async function senderChecked(userId: string, from: string) {
  const store = await outbox();
  const account = await store.senderOf(userId);
  if (!account) throw new AppError("conflict", "Connect a Google account before sending.");
  const sender = await resolveSender(account, from);
  return { store, account, sender };
}

/** A message as the outbox takes it, before the per-user cap is added. */
type Acceptable = Omit<NewMessage, "source" | "queuedDetail" | "maxWaiting"> & {
  source: MessageSource;
  /** The "queued" event's text (default: "Accepted into the outbox"). */
  queuedDetail?: string;
};

async function accept(store: Outbox, message: Acceptable): Promise<{ id: string; status: string }> {
  if (message.mime.length > MAX_MESSAGE_BYTES) {
    const sentence = `The message is ${formatMegabytes(message.mime.length)}, larger than Gmail's ${formatMegabytes(MAX_MESSAGE_BYTES)} limit.`;
    throw new AppError("too_large", sentence, { text: sentence });
  }
  const { scheduledAt } = message;
  const accepted = await store.accept({
    ...message,
    source: encodeSource(message.source),
    queuedDetail:
      message.queuedDetail ??
      (scheduledAt
        ? `Accepted into the outbox, scheduled for ${scheduledAt.toISOString()}`
        : "Accepted into the outbox"),
    // Counted in the same transaction as the insert, so concurrent accepts cannot overshoot.
    maxWaiting: env().USER_MAX_QUEUED,
  });
  if ("backlogFull" in accepted) throw backlogFullError(accepted.backlogFull.waiting);
  return { id: accepted.id, status: "queued" };
}
