// What the emulator remembers about one SMTP connection, keyed by smtp-server's session object
// (the same object for the whole connection).
import type { SMTPServer, SMTPServerSession } from "smtp-server";
import type { AppPasswordSignIn } from "../state/sign-in-credentials";
import type { SmtpListener } from "../types";

export type SmtpConnection = SMTPServer["connections"] extends Set<infer C> ? C : never;

export interface ConnectionState {
  /** Gmail-like per-session id that ends replies: "<id> - gsmtp". */
  sessionId: string;
  listener: SmtpListener;
  /** Unset only for a session the emulator never saw connect (see connectionState). */
  connection?: SmtpConnection;
  /** The authenticated Google account. */
  account?: string;
  /** What it signed in with: an OAuth token (XOAUTH2) or an app password (PLAIN/LOGIN). */
  credential?: "oauth" | "app-password";
  /** The app password it signed in with: revoking it ends the session (see signInRevoked). */
  appPassword?: AppPasswordSignIn;
  /** The OAuth grant of the access token it signed in with (XOAUTH2): revoking it ends the session. */
  grantId?: string;
  /** Accounts this connection already counted in smtpConnections. */
  countedAccounts: Set<string>;
  /** Upper-case verb of the command being answered ("AUTH" for an AUTH continuation line). */
  verb: string;
  /** The command line being answered, credentials never included. */
  commandLine: string;
}

const states = new WeakMap<SMTPServerSession, ConnectionState>();

export function setConnectionState(session: SMTPServerSession, state: ConnectionState): void {
  states.set(session, state);
}

/**
 * The session's state. Every connection is instrumented when it is accepted; the fallback only
 * keeps a handler from throwing (and taking the process down) if that ever did not happen.
 */
export function connectionState(session: SMTPServerSession): ConnectionState {
  let state = states.get(session);
  if (!state) {
    state = {
      sessionId: session.id,
      listener: session.secure ? "smtps" : "starttls",
      countedAccounts: new Set(),
      verb: "",
      commandLine: "",
    };
    states.set(session, state);
  }
  return state;
}
