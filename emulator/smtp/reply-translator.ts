// Turns the replies smtp-server writes ("250 Accepted", "538 Error: Must issue a STARTTLS
// command first", …) into Gmail's ("250 2.1.0 OK <id> - gsmtp", "530 5.7.0 Must issue …").
// smtp-server has fixed texts for its own replies and flattens a handler's multi-line message
// into one line, so the emulator rewrites each reply as it is sent (see gmail-smtp-server.ts).
import {
  badRecipient,
  badSender,
  GMAIL_REPLIES,
  VERBATIM_MARKER,
  type GmailReply,
} from "./gmail-replies";

export const SERVER_NAME = "smtp.gmail.com";
/** Marker for smtp-server's "authentication required" reply; translated by connection state. */
export const AUTH_REQUIRED_MARKER = "__gmail_auth_required__";

export interface ReplyEnvironment {
  /** Verb of the command being answered; "AUTH" during an AUTH exchange, "" before any command. */
  verb: string;
  commandLine: string;
  secure: boolean;
  authenticated: boolean;
  clientAddress: string;
  maxMessageBytes: number;
}

// A reply code's usual enhanced status code, for texts the table below does not name.
const DEFAULT_ENHANCED: Record<number, string> = {
  221: "2.0.0",
  250: "2.0.0",
  421: "4.7.0",
  450: "4.2.1",
  451: "4.3.0",
  452: "4.5.3",
  454: "4.7.0",
  500: "5.5.2",
  501: "5.5.4",
  502: "5.5.1",
  503: "5.5.1",
  504: "5.5.4",
  530: "5.7.0",
  535: "5.7.8",
  550: "5.7.1",
  552: "5.3.4",
  553: "5.1.2",
  554: "5.6.0",
  555: "5.5.2",
};

// smtp-server's own texts (minus "Error: ") → Gmail's.
const BY_TEXT: Record<string, GmailReply> = {
  Bye: GMAIL_REPLIES.closing,
  OK: { code: 250, lines: ["2.0.0 OK"] },
  Flushed: { code: 250, lines: ["2.1.5 Flushed"] },
  "See https://tools.ietf.org/html/rfc5321 for details": {
    code: 214,
    lines: ["2.0.0  https://www.google.com/search?btnI&q=RFC+5321"],
  },
  "Try to send something. No promises though": {
    code: 252,
    lines: ["2.1.5 Send some mail, I'll try my best"],
  },
  "command not recognized": GMAIL_REPLIES.unrecognized,
  "too many unrecognized commands": {
    code: 421,
    lines: ["4.7.0 Too many unrecognized commands, closing connection."],
  },
  "too many unauthenticated commands": {
    code: 421,
    lines: ["4.7.0 Too many unauthenticated commands, closing connection."],
  },
  "send HELO/EHLO first": { code: 503, lines: ["5.5.1 EHLO/HELO first."] },
  "Must issue a STARTTLS command first": GMAIL_REPLIES.startTlsFirst,
  "No identity changes permitted": { code: 503, lines: ["5.5.1 Already authenticated."] },
  "Unrecognized authentication type": {
    code: 504,
    lines: ["5.7.4 Unrecognized authentication type."],
  },
  "Authentication successful": GMAIL_REPLIES.authAccepted,
  "Username and Password not accepted": GMAIL_REPLIES.badCredentials,
  "nested MAIL command": { code: 503, lines: ["5.5.1 Nested MAIL command."] },
  "need MAIL command": { code: 503, lines: ["5.5.1 MAIL first."] },
  "need RCPT command": { code: 503, lines: ["5.5.1 RCPT first."] },
  "End data with <CR><LF>.<CR><LF>": GMAIL_REPLIES.goAhead,
  "internal server error": GMAIL_REPLIES.temporarilyRejected,
  "TLS already active": { code: 503, lines: ["5.5.1 TLS already active."] },
  "Ready to start TLS": GMAIL_REPLIES.readyForTls,
  "Timeout - closing connection": { code: 421, lines: ["4.4.2 Timeout - closing connection."] },
  "Server shutting down": {
    code: 421,
    lines: ["4.3.2 Service not available, closing connection."],
  },
  "Command line too long": { code: 421, lines: ["4.7.0 Line too long, closing connection."] },
  "HTTP requests not allowed": {
    code: 421,
    lines: ["4.7.0 HTTP requests are not accepted, closing connection."],
  },
};

function stripError(text: string): string {
  return text.replace(/^Error:\s*/, "").trim();
}

/** The address inside "MAIL FROM:<…>" / "RCPT TO:<…>", as the client wrote it. */
export function addressFromCommand(line: string): string {
  const afterColon = line.slice(line.indexOf(":") + 1).trim();
  const bracketed = /^<([^>]*)>/.exec(afterColon);
  return (bracketed ? bracketed[1] : afterColon.split(/\s+/)[0]) ?? "";
}

function ehlo(env: ReplyEnvironment): GmailReply {
  const auth = env.authenticated ? [] : env.secure ? ["AUTH LOGIN PLAIN XOAUTH2"] : ["STARTTLS"];
  return {
    code: 250,
    sessionSuffix: false,
    lines: [
      `${SERVER_NAME} at your service, [${env.clientAddress}]`,
      `SIZE ${env.maxMessageBytes}`,
      "8BITMIME",
      ...auth,
      "ENHANCEDSTATUSCODES",
      "PIPELINING",
      "SMTPUTF8",
    ],
  };
}

/**
 * Gmail's version of a reply smtp-server is about to send, or undefined to send it unchanged
 * (the 334 XOAUTH2 challenge, which already is Gmail's).
 */
export function translateReply(
  code: number,
  data: string | string[] | null | undefined,
  context: string | false | undefined,
  env: ReplyEnvironment,
): GmailReply | undefined {
  if (code === 334) return undefined;
  if (Array.isArray(data)) {
    return env.verb === "EHLO" || env.verb === "LHLO" ? ehlo(env) : undefined;
  }
  const text = data ?? "";

  // A reply the emulator built itself (GmailReplyError, the DATA answer): already Gmail's.
  if (text.startsWith(VERBATIM_MARKER)) {
    return { code, lines: text.slice(VERBATIM_MARKER.length).split("\n") };
  }

  if (code === 220 && text === `${SERVER_NAME} ESMTP`) return { code, lines: [text] };
  if (code === 250 && env.verb === "HELO") {
    return { code, lines: [`${SERVER_NAME} at your service`], sessionSuffix: false };
  }
  if (text === AUTH_REQUIRED_MARKER) {
    return env.secure ? GMAIL_REPLIES.authRequired : GMAIL_REPLIES.startTlsFirst;
  }
  if (context === "MAIL_FROM_OK") return GMAIL_REPLIES.mailOk;
  if (context === "RCPT_TO_OK") return GMAIL_REPLIES.rcptOk;
  if (context === "MESSAGE_TOO_BIG") return GMAIL_REPLIES.tooBig;
  if (context === "SENDER_SYNTAX_ERROR") return badSender(addressFromCommand(env.commandLine));
  if (context === "MAILBOX_SYNTAX_ERROR") return badRecipient(addressFromCommand(env.commandLine));
  if (code === 501 && env.verb === "AUTH") {
    return text === "Authentication aborted"
      ? { code: 501, lines: ["5.7.0 Authentication aborted."] }
      : GMAIL_REPLIES.cannotDecode;
  }

  const stripped = stripError(text);
  const known = BY_TEXT[stripped] ?? BY_TEXT[stripped.replace(`${SERVER_NAME} `, "")];
  if (known) return known;

  // Anything else keeps its code and text, in Gmail's shape.
  const enhanced = DEFAULT_ENHANCED[code] ?? `${String(code).charAt(0)}.0.0`;
  const sentence = /[.!?]$/.test(stripped) || stripped === "" ? stripped : `${stripped}.`;
  return { code, lines: [`${enhanced} ${sentence}`.trim()] };
}
