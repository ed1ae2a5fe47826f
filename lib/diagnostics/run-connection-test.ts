// Tests the path from this server to Gmail for one account — DNS, TCP, TLS, then the account's
// own way of sending — and says for the first step that fails what it means and how to fix it.
// Later steps are skipped. SMTP with OAuth signs in with XOAUTH2; SMTP with an app password with
// AUTH PLAIN; the Gmail API is reached at GMAIL_API_URL and its token and scope are checked.
import "server-only";
import { db } from "../db";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { sendWayOf, type SendWay } from "../sending/ways/send-ways";
import { checkAppPassword } from "./check-app-password";
import { checkAuth, type AuthContext } from "./check-auth";
import { checkGmailApiAccess, gmailApiTarget, reachGmailApi } from "./check-gmail-api";
import { redactAll } from "./redact";
import { runStep, skippedStep, type DiagnosticSession } from "./run-step";
import { closeSession, openSession, secureConnection } from "./secure-connection";
import { DIAGNOSTIC_STEPS, type ConnectionTestResult, type StepResult } from "./types";

export const STEP_TIMEOUT_MS = 10_000;

export interface ConnectionTestOptions {
  accountId: string;
  /**
   * SMTP only (port, secure, host): an account that sends with the Gmail API is tested against
   * GMAIL_API_URL whatever these say. Defaults to SMTP_PORT.
   */
  port?: number;
  /** true = implicit TLS, false = STARTTLS. Defaults to SMTP_SECURE, or to what `port` implies (465/587). */
  secure?: boolean;
  /** Defaults to SMTP_HOST. Never taken from a browser: it would let anyone probe the network. */
  host?: string;
  /** Per step; defaults to 10 s. */
  timeoutMs?: number;
}

export async function runConnectionTest(
  options: ConnectionTestOptions,
): Promise<ConnectionTestResult> {
  const config = env();
  const prisma = await db();
  const account = await prisma.account.findUnique({
    where: { id: options.accountId },
    select: { id: true, email: true, scope: true, sendWay: true },
  });
  if (!account) throw new AppError("not_found", "Google account not found");

  const way = sendWayOf(account.sendWay);
  const session = openSession(
    way === "gmail_api" ? gmailApiTarget(config.GMAIL_API_URL) : smtpTarget(options),
    options.timeoutMs ?? STEP_TIMEOUT_MS,
  );
  const { port, secure } = session.target;
  const auth: AuthContext = {
    accountId: account.id,
    email: account.email,
    scope: account.scope,
    secrets: [],
  };
  const startedAt = new Date();
  const started = performance.now();
  let steps: StepResult[];
  try {
    steps = await runSteps(way, session, auth);
  } finally {
    closeSession(session);
  }

  const failed = steps.find((s) => !s.ok);
  for (const step of DIAGNOSTIC_STEPS.slice(steps.length)) {
    steps.push(skippedStep(step, failed?.step ?? "dns"));
  }
  return scrub(
    {
      ok: steps.every((s) => s.ok),
      email: account.email,
      way,
      host: session.target.host,
      port,
      secure,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      steps,
    },
    auth.secrets,
  );
}

function smtpTarget(options: ConnectionTestOptions) {
  const config = env();
  const port = options.port ?? config.SMTP_PORT;
  const secure =
    options.secure ?? (port === 465 ? true : port === 587 ? false : config.SMTP_SECURE);
  return { host: options.host ?? config.SMTP_HOST, port, secure };
}

async function runSteps(
  way: SendWay,
  session: DiagnosticSession,
  auth: AuthContext,
): Promise<StepResult[]> {
  if (way === "gmail_api") {
    const steps = await reachGmailApi(session);
    if (steps.some((s) => !s.ok)) return steps;
    const access = await runStep("auth", session, () => checkGmailApiAccess(auth));
    return [...steps, access.result];
  }
  const { steps, secured } = await secureConnection(session);
  if (!secured) return steps;
  const signIn = await runStep("auth", session, () =>
    way === "app_password"
      ? checkAppPassword(session, secured, auth)
      : checkAuth(session, secured, auth),
  );
  return [...steps, signIn.result];
}

/**
 * Defense in depth: no token, app password or XOAUTH2 payload may leave in any text, whatever an error message
 * contained. Each string is scrubbed as it is (not its JSON form, whose escapes would shift the
 * start of a base64 payload that follows a line break).
 */
function scrub(result: ConnectionTestResult, secrets: string[]): ConnectionTestResult {
  return redactAll(result, secrets);
}
