// smtp-server, made to speak like smtp.gmail.com: every connection gets a Gmail session id and
// its replies are rewritten on the way out (smtp-server has fixed texts for its own replies and
// cannot send a handler's multi-line reply).
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { SmtpListener } from "../types";
import { setConnectionState, type ConnectionState, type SmtpConnection } from "./connection-state";
import { encodeReply, finalLines, GMAIL_REPLIES, newSessionId } from "./gmail-replies";
import { translateReply } from "./reply-translator";

export interface GmailSmtpServerOptions {
  listener: SmtpListener;
  maxMessageBytes: number;
  log: (line: string) => void;
  /** Whether the credential the session signed in with has been revoked since. */
  signInRevoked: (state: ConnectionState) => boolean;
}

type ConnectArgs = Parameters<SMTPServer["connect"]>;

export class GmailSmtpServer extends SMTPServer {
  private readonly gmail: GmailSmtpServerOptions;

  constructor(options: SMTPServerOptions, gmail: GmailSmtpServerOptions) {
    super(options);
    this.gmail = gmail;
  }

  override connect(...args: ConnectArgs): void {
    // SMTPServer.connect adds the new connection to the set and greets only after a delay, so
    // the connection can be instrumented here, before it sends anything.
    const known = new Set(this.connections);
    super.connect(...args);
    for (const connection of this.connections) {
      if (!known.has(connection)) instrument(connection, this.gmail);
    }
  }
}

/** A reply as it goes on the wire, lines separated by " | " for a one-line log entry. */
function wire(code: number, lines: string[]): string {
  return lines.map((line, i) => `${code}${i < lines.length - 1 ? "-" : " "}${line}`).join(" | ");
}

function redact(line: string, verb: string, continuation: boolean): string {
  if (continuation) return "/* AUTH continuation */";
  if (verb === "AUTH") return line.split(/\s+/).slice(0, 2).join(" ") + " /* token */";
  return line;
}

function instrument(connection: SmtpConnection, options: GmailSmtpServerOptions): void {
  const state: ConnectionState = {
    sessionId: newSessionId(),
    listener: options.listener,
    connection,
    countedAccounts: new Set(),
    verb: "",
    commandLine: "",
  };
  setConnectionState(connection.session, state);

  const onCommand = connection._onCommand.bind(connection);
  connection._onCommand = (command, callback) => {
    const line = command.toString("utf8");
    const continuation = connection._nextHandler !== false;
    state.verb = continuation ? "AUTH" : (line.trim().split(/\s+/)[0] ?? "").toUpperCase();
    state.commandLine = redact(line, state.verb, continuation);
    options.log(`smtp ${state.sessionId} C: ${state.commandLine}`);
    // A revoked sign-in ends the session at its next command; smtp-server closes after a 421.
    // (A message whose DATA already began is not a command: it is still answered.)
    if (!continuation && options.signInRevoked(state)) {
      options.log(
        `smtp ${state.sessionId}: the credential this session signed in with was revoked`,
      );
      connection.send(GMAIL_REPLIES.tryAgainLater.code, encodeReply(GMAIL_REPLIES.tryAgainLater));
      return;
    }
    onCommand(command, callback);
  };

  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    const reply = translateReply(code, data, context, {
      verb: state.verb,
      commandLine: state.commandLine,
      secure: connection.secure,
      authenticated: state.account !== undefined,
      clientAddress: connection.remoteAddress,
      maxMessageBytes: options.maxMessageBytes,
    });
    if (!reply) {
      options.log(
        `smtp ${state.sessionId} S: ${wire(code, Array.isArray(data) ? data : [data ?? ""])}`,
      );
      send(code, data, context);
      return;
    }
    const lines = finalLines(reply, state.sessionId);
    options.log(`smtp ${state.sessionId} S: ${wire(reply.code, lines)}`);
    // context false: the lines already carry Gmail's enhanced status codes.
    send(reply.code, lines, false);
  };
}
