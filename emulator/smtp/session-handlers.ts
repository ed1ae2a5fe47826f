// smtp-server callbacks for the connection, sign-in (XOAUTH2, app passwords) and the envelope, answering as Gmail does.
import type {
  SMTPServerAddress,
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerSession,
} from "smtp-server";
import type { EmulatorContext } from "../context";
import { GMAIL_FULL_SCOPE } from "../oauth/scopes";
import { normalizeEmail } from "../state/accounts";
import { connectionState, type ConnectionState } from "./connection-state";
import { badRecipient, GMAIL_REPLIES, GmailReplyError } from "./gmail-replies";
import { isValidRecipient } from "./rfc5321-address";

type Done = (err?: Error | null) => void;
type AuthDone = (
  err: Error | null | undefined,
  response?: SMTPServerAuthenticationResponse,
) => void;

export const MAX_RECIPIENTS = 100;

// What Gmail sends (base64-encoded) in the 334 challenge after a rejected XOAUTH2 token.
export const XOAUTH2_FAILURE = { status: "400", schemes: "Bearer", scope: GMAIL_FULL_SCOPE };

export function onConnect(ctx: EmulatorContext, session: SMTPServerSession, done: Done): void {
  ctx.stats.count("smtpConnections");
  const failure = ctx.faults.takeFailure("connect", undefined);
  done(failure ? new GmailReplyError(failure) : null);
}

/** After STARTTLS smtp-server forgets the session's identity (RFC 3207); so does the emulator. */
export function onSecure(session: SMTPServerSession, done: Done): void {
  const state = connectionState(session);
  state.account = undefined;
  state.credential = undefined;
  state.appPassword = undefined;
  state.grantId = undefined;
  done();
}

/**
 * AUTH PLAIN and LOGIN: only an app password signs in. The account's own password is refused
 * with 534-5.7.9 when 2-Step Verification is on (Google wants an app password) and with the
 * 535-5.7.8 otherwise (Google no longer lets "less secure apps" in with a password alone).
 */
function passwordAuth(
  ctx: EmulatorContext,
  email: string,
  password: string,
  session: SMTPServerSession,
  done: AuthDone,
): void {
  const result = ctx.credentials.check(email, password);
  if (result.kind !== "app-password") {
    ctx.stats.count("authFailures", email || undefined);
    ctx.log(`smtp: AUTH with a password refused for ${email || "(no user)"} (${result.kind})`);
    const twoStep = ctx.accounts.get(email)?.twoStepVerification === true;
    done(
      new GmailReplyError(
        result.kind === "account-password" && twoStep
          ? GMAIL_REPLIES.applicationSpecificPasswordRequired
          : GMAIL_REPLIES.badCredentials,
      ),
    );
    return;
  }
  const state = connectionState(session);
  ctx.stats.count("auths", email);
  state.account = email;
  state.credential = "app-password";
  state.appPassword = result.signIn;
  done(null, { user: email });
}

/**
 * Whether what this session signed in with has been revoked since: its app password (directly,
 * by a password change or by turning 2-Step Verification off) or the OAuth grant of its access
 * token. Google ends such access at once: the session's next command is answered 421 and the
 * connection closed (see gmail-smtp-server.ts). An access token that merely expires does not
 * end a session that signed in with it.
 */
export function signInRevoked(ctx: EmulatorContext, state: ConnectionState): boolean {
  if (state.appPassword) return !ctx.credentials.isLive(state.appPassword);
  if (state.grantId !== undefined) return !ctx.tokens.isGrantLive(state.grantId);
  return false;
}

export function onAuth(
  ctx: EmulatorContext,
  auth: SMTPServerAuthentication,
  session: SMTPServerSession,
  done: AuthDone,
): void {
  const state = connectionState(session);
  const email = normalizeEmail(auth.username ?? "");
  if (email && !state.countedAccounts.has(email)) {
    state.countedAccounts.add(email);
    ctx.stats.countForAccountOnly("smtpConnections", email);
  }

  const failure = ctx.faults.takeFailure("auth", email);
  if (failure) {
    done(new GmailReplyError(failure));
    return;
  }

  if (auth.method === "PLAIN" || auth.method === "LOGIN") {
    passwordAuth(ctx, email, auth.password ?? "", session, done);
    return;
  }

  // Gmail checks the token exists, is unexpired and unrevoked, carries the full Gmail scope,
  // and belongs to the user= address.
  const check = ctx.tokens.checkAccessToken(auth.accessToken ?? "");
  const valid =
    check.ok && check.token.scopes.includes(GMAIL_FULL_SCOPE) && check.token.email === email;
  if (!valid) {
    ctx.stats.count("authFailures", email || undefined);
    ctx.log(
      `smtp: AUTH XOAUTH2 refused for ${email || "(no user)"} (${check.ok ? "scope or user" : check.reason})`,
    );
    done(null, { data: XOAUTH2_FAILURE });
    return;
  }
  ctx.stats.count("auths", email);
  state.account = email;
  state.credential = "oauth";
  state.grantId = check.token.grantId;
  done(null, { user: email });
}

export function onMailFrom(
  ctx: EmulatorContext,
  _address: SMTPServerAddress,
  session: SMTPServerSession,
  done: Done,
): void {
  const failure = ctx.faults.takeFailure("mail", connectionState(session).account);
  done(failure ? new GmailReplyError(failure) : null);
}

export function onRcptTo(
  ctx: EmulatorContext,
  address: SMTPServerAddress,
  session: SMTPServerSession,
  done: Done,
): void {
  const account = connectionState(session).account ?? "";
  const failure = ctx.faults.takeFailure("rcpt", account);
  if (failure) return done(new GmailReplyError(failure));
  if (!isValidRecipient(address.address)) {
    return done(new GmailReplyError(badRecipient(address.address)));
  }

  const recipients = session.envelope.rcptTo;
  const repeated = recipients.some(
    (r) => r.address.toLowerCase() === address.address.toLowerCase(),
  );
  if (!repeated && recipients.length >= MAX_RECIPIENTS) {
    return done(new GmailReplyError(GMAIL_REPLIES.tooManyRecipients));
  }

  // An exhausted quota refuses every recipient; a message that would only cross the limit is
  // refused as a whole after DATA (see data-handler.ts).
  if (ctx.quota.wouldExceed(ctx.accounts.ensure(account), 1)) {
    return done(new GmailReplyError(GMAIL_REPLIES.quotaExceeded));
  }
  done();
}
