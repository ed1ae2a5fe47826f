// Step 4 for an account that sends with an app password: sign in with AUTH PLAIN (or LOGIN when
// the server offers only that) and the stored app password, capturing Gmail's reply. A refusal
// pauses the account the way the outbox does, with the same reason: the password will not work
// for the next message either.
import "server-only";
import type { TLSSocket } from "node:tls";
import { db } from "../db";
import { markReconnectNeeded } from "../google/access-token";
import { explainReply } from "../mail/gmail-replies";
import { openAppPassword } from "../sending/ways/account-send-settings";
import type { AuthContext } from "./check-auth";
import { greet } from "./check-auth";
import { explainAuthReply, StepFailure } from "./explain-failure";
import { oneLine } from "./redact";
import type { DiagnosticSession, StepOutcome } from "./run-step";
import { SmtpDialogue, type SmtpReply } from "./smtp-dialogue";

const ADD_ONE = "Add an app password on the status page (under “How this account sends”).";

export async function checkAppPassword(
  session: DiagnosticSession,
  socket: TLSSocket,
  context: AuthContext,
): Promise<StepOutcome<null>> {
  const password = await storedAppPassword(context.accountId);
  // Both forms, as stored and without the spaces Google shows, stay out of every text.
  context.secrets.push(password, password.replace(/\s+/g, ""));

  const dialogue = new SmtpDialogue(socket);
  try {
    const { mechanisms, advertised } = await greet(session, dialogue);
    const mechanism = ["PLAIN", "LOGIN"].find((m) => mechanisms.includes(m));
    if (!mechanism) {
      throw new StepFailure(
        `The server does not offer AUTH PLAIN or LOGIN (it advertises “${advertised}”).`,
        {
          title: "Password sign-in not offered",
          meaning:
            "This server does not accept a password sign-in, which an app password needs; it is probably not smtp.gmail.com.",
          fix: "Set SMTP_HOST to smtp.gmail.com.",
        },
      );
    }
    const reply =
      mechanism === "PLAIN"
        ? await dialogue.command(
            `AUTH PLAIN ${Buffer.from(`\0${context.email}\0${password}`).toString("base64")}`,
          )
        : await authLogin(dialogue, context.email, password);
    await dialogue.quit();

    const text = oneLine(reply.text);
    if (reply.code === 235) {
      return {
        value: null,
        detail: `Signed in as ${context.email} with the app password (AUTH ${mechanism}): “${text}”.`,
        facts: { reply: reply.text },
      };
    }
    if (reply.code === 534 || reply.code === 535) {
      await markReconnectNeeded(context.accountId, pauseReason(reply));
    }
    throw new StepFailure(
      `Gmail refused the app password (AUTH ${mechanism}): “${text}”.`,
      explainAuthReply(reply.text),
      reply.text,
    );
  } finally {
    dialogue.detach();
  }
}

/** The outbox's reason for the pause (lib/sending/failure-outcome.ts), word for word. */
function pauseReason(reply: SmtpReply): string {
  return explainReply(reply.text)?.id === "5.7.9"
    ? `Gmail wants an app password, not the account's password (${reply.code}). Add an app password on the status page.`
    : `Gmail refused the app password (${reply.code}): it is wrong or was revoked. Add a new one on the status page.`;
}

async function storedAppPassword(accountId: string): Promise<string> {
  const prisma = await db();
  const row = await prisma.account.findUnique({
    where: { id: accountId },
    select: { appPasswordSealed: true },
  });
  if (!row?.appPasswordSealed) {
    throw new StepFailure(
      "This account sends with an app password, but none is stored: there is nothing to sign in with.",
      {
        title: "No app password",
        meaning: "Messages cannot go out until the account has an app password to sign in with.",
        fix: `${ADD_ONE} Create one in the Google account's security settings (it needs 2-Step Verification), or choose another way to send.`,
      },
    );
  }
  const password = openAppPassword(accountId, row.appPasswordSealed);
  if (password === undefined) {
    throw new StepFailure(
      "The stored app password does not open with this server's TOKEN_ENCRYPTION_KEY.",
      {
        title: "App password unreadable",
        meaning:
          "The app password was sealed with another encryption key (TOKEN_ENCRYPTION_KEY changed, or the database came from another installation).",
        fix: `${ADD_ONE} The new one is sealed with the current key.`,
      },
    );
  }
  return password;
}

/** AUTH LOGIN: the user name and the password, each in base64 after its 334 prompt. */
async function authLogin(
  dialogue: SmtpDialogue,
  email: string,
  password: string,
): Promise<SmtpReply> {
  const start = await dialogue.command("AUTH LOGIN");
  if (start.code !== 334) return start;
  const user = await dialogue.command(Buffer.from(email).toString("base64"));
  if (user.code !== 334) return user;
  return dialogue.command(Buffer.from(password).toString("base64"));
}
