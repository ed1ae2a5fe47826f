// Step 4 for an account that sends with SMTP and OAuth: sign in with AUTH XOAUTH2 and the account's access token, capturing Gmail's reply.
// A rejected token is refreshed once (as the outbox does) before the step is called failed.
import "server-only";
import type { TLSSocket } from "node:tls";
import { getAccessToken, ReconnectNeededError, type AccessToken } from "../google/access-token";
import { hasGmailScope } from "../google/scopes";
import { explainAuthReply, reconnectExplanation, StepFailure } from "./explain-failure";
import { EHLO_NAME } from "./check-tls";
import { oneLine } from "./redact";
import type { DiagnosticSession, StepOutcome } from "./run-step";
import { ehloKeywords, SmtpDialogue, type SmtpReply } from "./smtp-dialogue";

export interface AuthContext {
  accountId: string;
  email: string;
  scope: string;
  /** Every token sent is recorded here so the caller can keep it out of every text. */
  secrets: string[];
}

export async function checkAuth(
  session: DiagnosticSession,
  socket: TLSSocket,
  context: AuthContext,
): Promise<StepOutcome<null>> {
  const dialogue = new SmtpDialogue(socket);
  try {
    const { mechanisms, advertised } = await greet(session, dialogue);
    if (!mechanisms.includes("XOAUTH2")) {
      throw new StepFailure(
        `The server does not offer AUTH XOAUTH2 (it advertises “${advertised}”).`,
        {
          title: "XOAUTH2 not offered",
          meaning:
            "This server does not accept Google OAuth sign-in; it is probably not smtp.gmail.com.",
          fix: "Set SMTP_HOST to smtp.gmail.com.",
        },
      );
    }

    const first = await getAccessToken(context.accountId);
    context.secrets.push(first.accessToken);
    let reply = await authenticate(dialogue, context.email, first.accessToken);
    let note = "";
    if (reply.code !== 235 && /^53[45]/.test(reply.text)) {
      // The stored token may have died early (revoked, expired): refresh once, as the outbox does.
      const refreshed = await refreshOrExplain(context.accountId, reply);
      context.secrets.push(refreshed.accessToken);
      reply = await authenticate(dialogue, context.email, refreshed.accessToken);
      note = " after refreshing the access token";
    }
    await dialogue.quit();

    const text = oneLine(reply.text);
    if (reply.code === 235) {
      return {
        value: null,
        detail: `Signed in as ${context.email}${note}: “${text}”.`,
        facts: { reply: reply.text },
      };
    }
    const explanation = explainAuthReply(reply.text);
    if (explanation && reply.code >= 530 && !hasGmailScope(context.scope)) {
      explanation.meaning = `The account was connected without the https://mail.google.com/ scope, which Gmail requires for SMTP. ${explanation.meaning}`;
      explanation.fix =
        "Reconnect the Google account and allow Mailroom to send email (the “Read, compose, send and permanently delete all your email from Gmail” permission).";
    }
    throw new StepFailure(`Gmail refused the sign-in${note}: “${text}”.`, explanation, reply.text);
  } finally {
    dialogue.detach();
  }
}

/**
 * Reads the greeting (implicit TLS; after STARTTLS there is none), says EHLO, and returns the
 * AUTH mechanisms the server advertises.
 */
export async function greet(
  session: DiagnosticSession,
  dialogue: SmtpDialogue,
): Promise<{ mechanisms: string[]; advertised: string }> {
  if (session.target.secure) {
    const greeting = await dialogue.read();
    if (greeting.code !== 220) throw rejected("The server's greeting was", greeting);
  }
  const ehlo = await dialogue.command(`EHLO ${EHLO_NAME}`);
  if (ehlo.code !== 250) throw rejected("EHLO was answered with", ehlo);
  const auth = ehloKeywords(ehlo).find((k) => k.startsWith("AUTH "));
  return { mechanisms: auth?.split(/\s+/).slice(1) ?? [], advertised: auth ?? "no AUTH" };
}

/** AUTH XOAUTH2; on a 334 challenge (Gmail's JSON error) answers an empty line for the final reply. */
async function authenticate(
  dialogue: SmtpDialogue,
  email: string,
  token: string,
): Promise<SmtpReply> {
  const payload = Buffer.from(`user=${email}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
  const reply = await dialogue.command(`AUTH XOAUTH2 ${payload}`);
  if (reply.code !== 334) return reply;
  return dialogue.command("");
}

async function refreshOrExplain(accountId: string, reply: SmtpReply): Promise<AccessToken> {
  try {
    return await getAccessToken(accountId, { forceRefresh: true });
  } catch (error) {
    if (!(error instanceof ReconnectNeededError)) throw error;
    throw new StepFailure(
      `Gmail refused the access token (“${oneLine(reply.text)}”) and Google refused to refresh it: ${error.reason}`,
      reconnectExplanation(error.reason),
      reply.text,
    );
  }
}

function rejected(what: string, reply: SmtpReply): StepFailure {
  return new StepFailure(
    `${what} “${oneLine(reply.text)}”.`,
    explainAuthReply(reply.text),
    reply.text,
  );
}
