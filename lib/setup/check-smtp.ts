// Setup check: the SMTP endpoint reachable with TLS verified — the configured one (SMTP_HOST,
// SMTP_PORT, SMTP_SECURE) and, where SMTP_ALT_PORT is set, the other TLS mode — with the status
// page's connection-test steps (DNS, TCP, TLS), stopping before any sign-in.
import "server-only";
import type { ConnectionTarget } from "../diagnostics/connection-targets";
import { closeSession, openSession, secureConnection } from "../diagnostics/secure-connection";
import { STEP_LABELS } from "../diagnostics/types";
import type { SetupCheckResult } from "./types";

export async function checkSmtp(
  target: ConnectionTarget,
  timeoutMs: number,
): Promise<SetupCheckResult> {
  const mode = target.secure ? "implicit TLS" : "STARTTLS";
  const where = `${target.host}:${target.port} (${mode})`;
  const id = target.configured ? "smtp" : "smtp-alt";
  const title = target.configured ? "SMTP" : "SMTP, other TLS mode";
  const session = openSession(
    { host: target.host, port: target.port, secure: target.secure },
    timeoutMs,
  );
  let steps;
  try {
    ({ steps } = await secureConnection(session));
  } finally {
    closeSession(session);
  }
  const failed = steps.find((step) => !step.ok);
  if (!failed) {
    const certificate = steps.find((step) => step.certificate)?.certificate;
    return {
      id,
      title,
      status: "ok",
      summary: `${where}: TLS verified${certificate ? ` (certificate for ${certificate.subject}, issued by ${certificate.issuer})` : ""}.`,
    };
  }
  const explanation = failed.explanation;
  return {
    id,
    title,
    // Only the configured endpoint sends; the other mode is a fallback to switch to.
    status: target.configured ? "fail" : "warn",
    summary: `${where}: ${STEP_LABELS[failed.step]} failed. ${failed.detail}`,
    ...(explanation ? { details: [`${explanation.title}: ${explanation.meaning}`] } : {}),
    fix:
      // The status page's wording points at its own buttons; here the fix stands alone.
      explanation?.fix.replace(/ Try the other choice below\.$/, "") ??
      "Check SMTP_HOST, SMTP_PORT and SMTP_SECURE (465 = implicit TLS, 587 = STARTTLS).",
  };
}
