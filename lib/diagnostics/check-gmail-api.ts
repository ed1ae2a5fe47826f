// The connection test for an account that sends with the Gmail API: the path to the API's host
// (GMAIL_API_URL) — DNS, TCP, TLS — then the access token and its scope. Nothing is sent, and
// no Gmail call is made: every call that would prove the token against Gmail without sending
// (users.getProfile, …) needs a read scope that gmail.send does not grant. What is checked is
// that Google refreshes the token now, and that the grant it reports carries a sending scope.
import "server-only";
import { db } from "../db";
import { getAccessToken } from "../google/access-token";
import { GMAIL_SCOPE, GMAIL_SEND_SCOPE, grantedScopes } from "../google/scopes";
import { wayHasScope } from "../sending/ways/send-ways";
import type { AuthContext } from "./check-auth";
import { reconnectExplanation, StepFailure, type Target } from "./explain-failure";
import { runStep, type DiagnosticSession, type StepOutcome } from "./run-step";
import { secureConnection } from "./secure-connection";
import type { StepResult } from "./types";

/** Where the Gmail API is reached: GMAIL_API_URL's host and port (443 unless it names one). */
export function gmailApiTarget(apiUrl: string): Target {
  const url = new URL(apiUrl);
  const secure = url.protocol === "https:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  // URL keeps the brackets of an IPv6 literal; connect() wants the bare address.
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, secure };
}

/**
 * DNS, TCP and TLS to the Gmail API's host. Plain http (which the configuration allows on a
 * loopback address only, for a local emulator) has no TLS: the step passes and says so.
 */
export async function reachGmailApi(session: DiagnosticSession): Promise<StepResult[]> {
  const { steps } = await secureConnection(session, { tls: session.target.secure });
  if (session.target.secure || steps.some((s) => !s.ok)) return steps.map(forApi);
  const tls = await runStep("tls", session, () =>
    Promise.resolve({
      value: null,
      detail:
        "GMAIL_API_URL uses plain http on a loopback address (a local emulator), so there is no TLS to check. The real Gmail API is reached over HTTPS.",
    }),
  );
  return [...steps, tls.result];
}

/** Google refreshes the token now, and its grant must carry gmail.send or the full Gmail scope. */
export async function checkGmailApiAccess(context: AuthContext): Promise<StepOutcome<null>> {
  const before = await readGrant(context.accountId);
  // A refresh keeps the grant's scopes: without a sending scope there is nothing to refresh for.
  if (!wayHasScope("gmail_api", before.scope))
    throw notGranted("The account's grant", before.scope);
  if (before.reconnectReason) {
    throw new StepFailure(
      `The account is paused until it is reconnected: ${before.reconnectReason}`,
      reconnectExplanation(before.reconnectReason),
    );
  }
  // Refused by Google, this throws ReconnectNeededError, which the step explains.
  const token = await getAccessToken(context.accountId, { forceRefresh: true });
  context.secrets.push(token.accessToken);
  // The refresh stored the scope Google reported with the new token.
  const after = await readGrant(context.accountId);
  const refreshed = after.lastRefreshedAt
    ? `Google refreshed it at ${after.lastRefreshedAt.toISOString()}`
    : "the stored one is still fresh";
  if (!wayHasScope("gmail_api", after.scope)) {
    throw notGranted(`The access token (${refreshed})`, after.scope);
  }
  const granted = grantedScopes(after.scope);
  const scope = granted.includes(GMAIL_SEND_SCOPE)
    ? `gmail.send (${GMAIL_SEND_SCOPE})`
    : `gmail.send through the full Gmail scope (${GMAIL_SCOPE})`;
  return {
    value: null,
    detail: `Access token works and carries ${scope}: ${refreshed}, for ${context.email}. This account sends with the Gmail API; the test sends nothing and makes no Gmail call, so Gmail's answer to a send is not part of it.`,
  };
}

async function readGrant(accountId: string) {
  const prisma = await db();
  return prisma.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { scope: true, lastRefreshedAt: true, reconnectReason: true },
  });
}

function notGranted(what: string, scope: string | null): StepFailure {
  const granted = grantedScopes(scope);
  return new StepFailure(
    `${what} does not carry gmail.send: it has ${granted.join(" ") || "no scope"}.`,
    {
      title: "Gmail API sending not granted",
      meaning:
        "The Gmail API sends only with a token that carries the gmail.send scope (or the full Gmail scope); Gmail would refuse every message with 403 insufficientPermissions.",
      fix: "Grant gmail.send on the status page (under “How this account sends”), or switch the account back to SMTP.",
    },
  );
}

/** A failure on the way to the API: the fix is about GMAIL_API_URL and HTTPS, not SMTP ports. */
function forApi(step: StepResult): StepResult {
  if (step.ok || step.skipped || !step.explanation) return step;
  return {
    ...step,
    explanation: {
      ...step.explanation,
      meaning:
        "The account sends with the Gmail API, which Mailroom reaches over HTTPS at the host in GMAIL_API_URL; this step on the way there failed.",
      fix: "Check GMAIL_API_URL (https://gmail.googleapis.com unless you point it elsewhere), this machine's DNS, and that outbound HTTPS (port 443) to it is allowed by the firewall or proxy.",
    },
  };
}
