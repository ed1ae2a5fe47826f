// Accepts a message into the outbox: MIME built once (or taken as submitted to the SMTP relay),
// message and "queued" event in one durable commit before the caller hears "accepted". Every way
// in (web, API, relay) comes through here, so each gets the per-user limits (user-limits.ts).
import "server-only";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import {
  buildMime,
  buildMimeStream,
  type BuiltMessage,
  type MimeOptions,
} from "../mail/build-mime";
import { MAX_MESSAGE_BYTES, type MessageInput } from "../mail/message-input";
import { formatMegabytes } from "../mail/message-limits";
import { resolveSender } from "../send-as/resolve-sender";
import { displayNamesOf } from "./display-names";
import { encodeSource, type MessageSource } from "./message-source";
import { outbox } from "./open-outbox";
import {
  ContentTooLargeError,
  INLINE_MIME_BYTES,
  mimeSize,
  openContent,
  writeContent,
} from "./content-stream";
import { newId } from "./new-id";
import type { MessageMime, NewMessage, Outbox } from "./outbox";
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
  /** No worker takes it before this time: the compose page's undo window. */
  holdUntil?: Date;
  /** Files the user uploaded from compose (lib/uploads), attached in this order. */
  uploadIds?: string[];
}): Promise<{ id: string; status: string }> {
  const { userId, input, scheduledAt } = options;
  const { store, account, sender } = await senderChecked(userId, input.from);
  const uploadIds = [...new Set(options.uploadIds ?? [])];
  const uploads = uploadIds.length ? await store.uploadsOf(userId, uploadIds) : [];
  if (uploads.length !== uploadIds.length) {
    const sentence =
      "An attachment is no longer available (uploads are kept for 24 hours). Attach it again.";
    throw new AppError("invalid_input", sentence, { attachments: sentence });
  }
  await takeSendRate(userId);

  // Gmail's display name and reply-to for the address, unless the message names its own.
  const replyTo =
    input.replyTo ?? (sender.replyTo ? [{ name: "", address: sender.replyTo }] : undefined);
  const from = { name: input.fromName || sender.displayName, address: sender.address };
  const mimeOptions = {
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
  };
  const built = uploads.length
    ? await streamedMime(store, {
        ...mimeOptions,
        attachments: [
          ...(input.attachments ?? []),
          ...uploads.map((u) => ({
            filename: u.filename,
            contentType: u.contentType,
            content: openContent(store, u.id),
          })),
        ],
      })
    : await storedMime(store, await buildMime(mimeOptions));
  const accepted = await accept(store, {
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
    firstAttemptAt: options.holdUntil,
  });
  // The message has its own copy of the files now.
  if (uploadIds.length) await store.deleteUploads(userId, uploadIds).catch(() => undefined);
  return accepted;
}

/**
 * A message with uploaded files: its MIME made as a stream, reading each file a chunk at a time,
 * and written to chunks of its own as it comes, before the message row (accept) refers to them.
 */
async function streamedMime(store: Outbox, options: MimeOptions) {
  const { stream, messageId } = buildMimeStream(options);
  const contentId = newId();
  try {
    const size = await writeContent(store, contentId, stream, MAX_MESSAGE_BYTES);
    return { messageId, mime: { contentId, size } };
  } catch (error) {
    stream.destroy();
    if (error instanceof ContentTooLargeError)
      throw tooLarge(`more than ${formatMegabytes(MAX_MESSAGE_BYTES)}`, "attachments");
    throw error;
  }
}

/** A big MIME (the API's attachments) goes to chunks too: the worker then streams it. */
async function storedMime(store: Outbox, built: BuiltMessage) {
  if (built.mime.length <= INLINE_MIME_BYTES || built.mime.length > MAX_MESSAGE_BYTES) return built;
  const contentId = newId();
  const size = await writeContent(store, contentId, [built.mime], MAX_MESSAGE_BYTES);
  return { messageId: built.messageId, mime: { contentId, size } };
}

/** The error names the field to fix: the text, or (for a message with uploads) the files. */
function tooLarge(size: string, field: "text" | "attachments" = "text"): AppError {
  const sentence = `The message is ${size}, larger than Gmail's ${formatMegabytes(MAX_MESSAGE_BYTES)} limit.`;
  return new AppError("too_large", sentence, { [field]: sentence });
}

/**
 * Accepts a message whose MIME is already made (the SMTP relay's, as its client submitted it),
 * with the same checks and limits as enqueueMessage. The caller gives what the history shows
 * (subject, text) and the recipients the worker sends to (to + cc + bcc: the envelope).
 */
export async function enqueueRawMessage(
  options: Omit<Acceptable, "accountId" | "scheduledAt" | "firstAttemptAt">,
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
  const size = mimeSize(message.mime);
  if (size > MAX_MESSAGE_BYTES) throw tooLarge(formatMegabytes(size));
  const { scheduledAt } = message;
  const accepted = await store
    .accept({
      ...message,
      source: encodeSource(message.source),
      queuedDetail:
        message.queuedDetail ??
        (scheduledAt
          ? `Accepted into the outbox, scheduled for ${scheduledAt.toISOString()}`
          : "Accepted into the outbox"),
      // Counted in the same transaction as the insert, so concurrent accepts cannot overshoot.
      maxWaiting: env().USER_MAX_QUEUED,
    })
    .catch(async (error: unknown) => {
      await dropChunks(store, message.mime);
      throw error;
    });
  if ("backlogFull" in accepted) {
    await dropChunks(store, message.mime);
    throw backlogFullError(accepted.backlogFull.waiting);
  }
  return { id: accepted.id, status: "queued" };
}

/** Chunks written for a message that was not accepted (a crash instead leaves them to the sweep). */
async function dropChunks(store: Outbox, mime: MessageMime): Promise<void> {
  if (!Buffer.isBuffer(mime)) await store.deleteContent(mime.contentId).catch(() => undefined);
}
