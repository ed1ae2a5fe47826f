// Gmail's SMTP replies, word for word where public session logs show them, and how a reply
// given as text (failNext) becomes one.
import { randomBytes, randomInt } from "node:crypto";

/**
 * A reply without its code prefix: lines such as "5.7.8 Username and Password not accepted…".
 * Gmail ends most replies with "<session id> - gsmtp"; `sessionSuffix: false` leaves it off.
 */
export interface GmailReply {
  code: number;
  lines: string[];
  sessionSuffix?: boolean;
}

const MORE_INFO = "For more information, go to";
const HELP = "https://support.google.com/mail/?p=";

function withLink(code: number, enhanced: string, text: string, link: string): GmailReply {
  return { code, lines: [`${enhanced} ${text} ${MORE_INFO}`, `${enhanced}  ${link}`] };
}

// Where Gmail's multi-line replies point; used to complete a "550-5.4.5 …" given on its own.
const HELP_LINKS: Record<string, string> = {
  "5.7.8": `${HELP}BadCredentials`,
  "5.7.0": `${HELP}WantAuthError`,
  "5.7.9": `${HELP}InvalidSecondFactor`,
  "5.4.5": `${HELP}ReachedLimit`,
  "5.3.4": `${HELP}MaxSizeError`,
  "4.5.3": `${HELP}TooManyRecipientsError`,
  "4.7.0": `${HELP}TooManyLoginAttempts`,
  "5.1.2": "https://support.google.com/a/answer/3221692",
  "5.1.7": "https://support.google.com/a/answer/3221692",
};

export const GMAIL_REPLIES = {
  authAccepted: { code: 235, lines: ["2.7.0 Accepted"], sessionSuffix: false },
  badCredentials: withLink(
    535,
    "5.7.8",
    "Username and Password not accepted.",
    `${HELP}BadCredentials`,
  ),
  applicationSpecificPasswordRequired: withLink(
    534,
    "5.7.9",
    "Application-specific password required.",
    `${HELP}InvalidSecondFactor`,
  ),
  authRequired: withLink(530, "5.7.0", "Authentication Required.", `${HELP}WantAuthError`),
  startTlsFirst: { code: 530, lines: ["5.7.0 Must issue a STARTTLS command first."] },
  readyForTls: { code: 220, lines: ["2.0.0 Ready to start TLS"], sessionSuffix: false },
  mailOk: { code: 250, lines: ["2.1.0 OK"] },
  rcptOk: { code: 250, lines: ["2.1.5 OK"] },
  goAhead: { code: 354, lines: ["Go ahead"] },
  closing: { code: 221, lines: ["2.0.0 closing connection"] },
  quotaExceeded: withLink(
    550,
    "5.4.5",
    "Daily user sending quota exceeded.",
    `${HELP}ReachedLimit`,
  ),
  tooBig: withLink(
    552,
    "5.3.4",
    "Your message exceeded Google's message size limits.",
    `${HELP}MaxSizeError`,
  ),
  tooManyRecipients: {
    code: 452,
    lines: [
      "4.5.3 Your message has too many recipients. For more information regarding",
      "4.5.3 Google's sending limits, go to",
      `4.5.3  ${HELP}TooManyRecipientsError`,
    ],
  },
  temporarilyRejected: { code: 451, lines: ["4.3.0 Mail server temporarily rejected message."] },
  tryAgainLater: { code: 421, lines: ["4.7.0 Try again later, closing connection."] },
  unrecognized: { code: 502, lines: ["5.5.1 Unrecognized command."] },
  cannotDecode: { code: 501, lines: ["5.5.2 Cannot Decode response."] },
} satisfies Record<string, GmailReply>;

export function badRecipient(address: string): GmailReply {
  return withLink(
    553,
    "5.1.2",
    `The recipient address <${address}> is not a valid RFC-5321 address.`,
    HELP_LINKS["5.1.2"] ?? "",
  );
}

export function badSender(address: string): GmailReply {
  return withLink(
    553,
    "5.1.7",
    `The sender address <${address}> is not a valid RFC-5321 address.`,
    HELP_LINKS["5.1.7"] ?? "",
  );
}

export function dataAccepted(unixSeconds: number): GmailReply {
  // Two spaces after OK, as Gmail writes it.
  return { code: 250, lines: [`2.0.0 OK  ${unixSeconds}`] };
}

const REPLY_LINE = /^([2-5]\d\d)([ -])(.*)$/;
const ENHANCED = /^(\d\.\d{1,3}\.\d{1,3})\s/;

/**
 * Parses a reply written as Gmail sends it ("451 4.3.0 Mail server …", several lines joined by
 * CRLF, or one "550-5.4.5 …" line). A lone continuation line ("550-…") is completed with
 * Gmail's closing "<code> <enhanced>  https://support.google.com/…" line.
 */
export function parseReplyText(text: string): GmailReply {
  const raw = text.replace(/\r?\n$/, "").split(/\r?\n/);
  const parsed = raw.map((line) => REPLY_LINE.exec(line));
  const first = parsed[0];
  if (!first || parsed.some((m) => !m || m[1] !== first[1])) {
    throw new Error(`Not an SMTP reply: ${JSON.stringify(text)}. Write it as "451 4.3.0 Text".`);
  }
  const code = Number(first[1]);
  const lines = parsed.map((m) => m?.[3] ?? "");
  if (lines.length === 1 && first[2] === "-") {
    const enhanced = ENHANCED.exec(lines[0] ?? "")?.[1];
    if (enhanced) {
      const link = HELP_LINKS[enhanced] ?? "https://support.google.com/a/answer/3221692";
      return { code, lines: [`${lines[0]} ${MORE_INFO}`, `${enhanced}  ${link}`] };
    }
  }
  return { code, lines };
}

// smtp-server hands a callback's error message (or the DATA answer) to its send() as a string;
// this prefix tells the reply translator the lines are already Gmail's, to send as they are.
export const VERBATIM_MARKER = "\u0001gmail\u0001";

/** A reply to pass through smtp-server's callbacks: `done(null, encodeReply(reply))`. */
export function encodeReply(reply: GmailReply): string {
  return VERBATIM_MARKER + reply.lines.join("\n");
}

/** An error for smtp-server callbacks; the reply translator sends its lines as they are. */
export class GmailReplyError extends Error {
  readonly responseCode: number;

  constructor(readonly reply: GmailReply) {
    super(encodeReply(reply));
    this.responseCode = reply.code;
  }
}

/** A session id like Gmail's "c194-20020a379acb000000b0071aacb2c76asm5392433qke.132". */
export function newSessionId(): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const pick = () => letters.charAt(randomInt(letters.length));
  return (
    `${pick()}${randomInt(10, 100)}-${randomBytes(12).toString("hex")}sm` +
    `${randomInt(1_000_000, 10_000_000)}${pick()}${pick()}${pick()}.${randomInt(1, 1000)}`
  );
}

/** The reply's lines with Gmail's "<id> - gsmtp" on the last one. */
export function finalLines(reply: GmailReply, sessionId: string): string[] {
  const lines = [...reply.lines];
  const last = lines.length - 1;
  if (reply.sessionSuffix !== false && last >= 0 && !/gsmtp\s*$/.test(lines[last] ?? "")) {
    lines[last] = `${lines[last]} ${sessionId} - gsmtp`;
  }
  return lines;
}
