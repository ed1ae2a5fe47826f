// The relay's refusals as a mail client reads them: an SMTP code and an enhanced status code
// (RFC 3463) chosen for what went wrong, then a sentence for a person. AppErrors from the shared
// operations (the key, the limits, the outbox) map to them here, in one place.
import { AppError } from "../errors/app-error";

export class RelayReply extends Error {
  readonly responseCode: number;
  constructor(code: number, enhanced: string, text: string) {
    // The enhanced code leads the message; the server sends it as it is (relay-smtp-server.ts).
    super(`${enhanced} ${text}`);
    this.name = "RelayReply";
    this.responseCode = code;
  }
}

/** A line starting with an enhanced status code such as "5.7.1 ". */
export const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

export const relayReplies = {
  tooManyConnections: () =>
    new RelayReply(
      421,
      "4.7.0",
      "Too many connections from your address; close some or try again in a moment.",
    ),
  tooManyFailedLogins: () =>
    new RelayReply(421, "4.7.0", "Too many failed logins; connect again to try once more."),
  badKey: (why: string) =>
    new RelayReply(
      535,
      "5.7.8",
      `${why} The password must be a Mailroom API key (mr_live_…); the username is not checked.`,
    ),
  fromNotAllowed: (address: string) =>
    new RelayReply(
      550,
      "5.7.1",
      `This key may not send from ${address || "an empty address"}; use one of its From addresses (see Settings → API keys).`,
    ),
  badRecipient: (address: string) =>
    new RelayReply(553, "5.1.3", `${address} is not a valid email address.`),
  messageIdTaken: (messageId: string) =>
    new RelayReply(
      554,
      "5.6.0",
      `Another message already has the Message-ID ${messageId}; give each message its own.`,
    ),
  tooSlow: () =>
    new RelayReply(421, "4.4.2", "The message took too long to arrive; send it again."),
  shuttingDown: () =>
    new RelayReply(421, "4.3.2", "Mailroom's relay is restarting; try again in a moment."),
  cannotCheckKey: () =>
    new RelayReply(454, "4.7.0", "Mailroom could not check the key just now; try again later."),
  internal: () =>
    new RelayReply(451, "4.3.0", "Mailroom could not take the message just now; try again later."),
};

/** The reply for an error from the operations the relay calls; undefined for an unexpected one. */
export function replyForAppError(error: unknown): RelayReply | undefined {
  if (error instanceof RelayReply) return error;
  if (!(error instanceof AppError)) return undefined;
  switch (error.code) {
    case "unauthorized":
      return relayReplies.badKey(error.message);
    case "forbidden":
    case "invalid_input":
      return new RelayReply(550, "5.7.1", error.message);
    case "too_large":
      return new RelayReply(552, "5.3.4", error.message);
    case "rate_limited":
      return new RelayReply(451, "4.7.1", error.message);
    case "conflict":
      return new RelayReply(451, "4.3.0", error.message);
    default:
      return undefined;
  }
}
