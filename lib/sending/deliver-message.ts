// Sends one claimed message the way its account sends (SMTP with XOAUTH2 or an app password, or
// the Gmail API) and records what Gmail said: sent, deferred, failed, or waiting for the account
// to be reconnected. An attempt has an overall deadline (SEND_DEADLINE_SECONDS):
// a server that stops answering costs a retry, not a message stuck "sending".
import "server-only";
import { env } from "../env";
import { closeTransport, transportFor } from "../mail/transport-pool";
import { mimeStream } from "../outbox/content-stream";
import type { ClaimedMessage, Outbox } from "../outbox/outbox";
import { LEASE_MS } from "./claim-messages";
import { failureOutcome } from "./failure-outcome";
import { SendDeadlineError } from "./send-deadline-error";
import { sendSettingsFor, type SendSettings } from "./ways/account-send-settings";
import { refuseNarrowEnvelope } from "./ways/envelope-check";
import { sendWithGmailApi } from "./ways/gmail-api-send";
import { SEND_WAY_INFO } from "./ways/send-ways";

export { SendDeadlineError } from "./send-deadline-error";

/**
 * `onSmtpDone` runs as soon as the SMTP exchange is over, before its outcome is recorded, so a
 * worker can start its next message while the record commits.
 */
export async function deliverMessage(
  store: Outbox,
  message: ClaimedMessage,
  onSmtpDone?: () => void,
): Promise<void> {
  const recipients = [...message.to, ...message.cc, ...message.bcc];
  // A slow send (a stalled server, a big message) keeps its lease while it is alive.
  const renewal = setInterval(() => {
    const until = new Date(Date.now() + LEASE_MS);
    store
      .renew({ messageId: message.id, workerId: message.lockedBy, until })
      .catch(() => undefined);
  }, LEASE_MS / 3);
  const deadlineSeconds = env().SEND_DEADLINE_SECONDS;
  let deadline: NodeJS.Timeout | undefined;
  let info: SendInfo;
  let settings: SendSettings | undefined;
  try {
    settings = await sendSettingsFor(message.account);
    // A big message is streamed from its chunks, afresh on every attempt.
    const raw = () =>
      Buffer.isBuffer(message.mime) ? message.mime : mimeStream(store, message.mime);
    const sending: Promise<SendInfo> =
      settings.way === "gmail_api"
        ? refuseNarrowEnvelope(raw(), recipients).then(() =>
            sendWithGmailApi(message.account.id, raw, message.bcc),
          )
        : transportFor(message.account.id, message.account.email, settings).sendMail({
            envelope: { from: message.fromAddress, to: recipients },
            raw: raw(),
            messageId: message.messageIdHeader,
          });
    const overdue = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => {
        // The account's connections may all be stuck the same way: start afresh. Its other
        // sends in flight fail with the closed connection and are retried too.
        closeTransport(message.account.id);
        reject(new SendDeadlineError(deadlineSeconds));
      }, deadlineSeconds * 1000);
    });
    // Past the deadline the send's own outcome no longer counts (if Gmail did take the message,
    // the retry is a duplicate: at least once, never lost).
    sending.catch(() => undefined);
    info = await Promise.race([sending, overdue]);
  } catch (error) {
    clearTimeout(deadline);
    clearInterval(renewal);
    onSmtpDone?.();
    await store.record(await failureOutcome(message, error, { way: settings?.way }));
    return;
  }
  clearTimeout(deadline);
  clearInterval(renewal);
  onSmtpDone?.();
  // Reply and status land in one transaction right after the 250, keeping the window in which a
  // crash could cause a resend small. If this commit fails the lease runs out and the message is retried: a
  // possible duplicate, never a loss.
  const reply = (info.response ?? "250").trim();
  await store.record({
    kind: "sent",
    messageId: message.id,
    reply,
    // The API's answer starts "Gmail API 200": its status comes separately.
    code: info.code ?? (Number(reply.slice(0, 3)) || 250),
    rejected: info.rejectedErrors ?? [],
    via: SEND_WAY_INFO[settings.way].label,
    at: new Date(),
  });
}

interface SendInfo {
  response?: string;
  /** The Gmail API's HTTP status; an SMTP reply carries its code in its first three digits. */
  code?: number;
  rejectedErrors?: { recipient?: string; response?: string }[];
}
