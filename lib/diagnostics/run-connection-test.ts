// Tests the path from this server to Gmail for one account — DNS, TCP, TLS, XOAUTH2 — and says
// for the first step that fails what it means and how to fix it. Later steps are skipped.
import "server-only";
import { db } from "../db";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { checkAuth, type AuthContext } from "./check-auth";
import { redactAll } from "./redact";
import { runStep, skippedStep, type DiagnosticSession } from "./run-step";
import { closeSession, openSession, secureConnection } from "./secure-connection";
import { DIAGNOSTIC_STEPS, type ConnectionTestResult, type StepResult } from "./types";

export const STEP_TIMEOUT_MS = 10_000;

export interface ConnectionTestOptions {
  accountId: string;
  /** Defaults to SMTP_PORT. */
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
    select: { id: true, email: true, scope: true },
  });
  if (!account) throw new AppError("not_found", "Google account not found");

  const port = options.port ?? config.SMTP_PORT;
  const secure =
    options.secure ?? (port === 465 ? true : port === 587 ? false : config.SMTP_SECURE);
  const session = openSession(
    { host: options.host ?? config.SMTP_HOST, port, secure },
    options.timeoutMs ?? STEP_TIMEOUT_MS,
  );
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
    steps = await runSteps(session, auth);
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

async function runSteps(session: DiagnosticSession, auth: AuthContext): Promise<StepResult[]> {
  const { steps, secured } = await secureConnection(session);
  if (!secured) return steps;
  const signIn = await runStep("auth", session, () => checkAuth(session, secured, auth));
  return [...steps, signIn.result];
}

/**
 * Defense in depth: no token or XOAUTH2 payload may leave in any text, whatever an error message
 * contained. Each string is scrubbed as it is (not its JSON form, whose escapes would shift the
 * start of a base64 payload that follows a line break).
 */
function scrub(result: ConnectionTestResult, secrets: string[]): ConnectionTestResult {
  return redactAll(result, secrets);
}
