// Turns what went wrong in a diagnostic step into a plain-words explanation and fix (GMAIL.md).
import "server-only";
import { ReconnectNeededError } from "../google/access-token";
import { explainById, explainReply } from "../mail/gmail-replies";
import { oneLine } from "./redact";
import type { Explanation, StepName } from "./types";

export interface Target {
  host: string;
  port: number;
  secure: boolean;
}

export interface ExplainedFailure {
  detail: string;
  explanation?: Explanation;
}

/** Raised by a step that knows exactly what went wrong. */
export class StepFailure extends Error {
  constructor(
    readonly detail: string,
    readonly explanation?: Explanation,
    readonly reply?: string,
  ) {
    super(detail);
    this.name = "StepFailure";
  }
}

/** A step ran past its time limit. */
export class StepTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(readonly ms: number) {
    super(`No answer within ${Number((ms / 1000).toFixed(1))} s.`);
    this.name = "StepTimeoutError";
  }
}

const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REVOKED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function explainFailure(step: StepName, error: unknown, target: Target): ExplainedFailure {
  if (error instanceof StepFailure) return { detail: error.detail, explanation: error.explanation };
  if (error instanceof ReconnectNeededError) {
    return {
      detail: `Google refused to refresh the access token: ${error.reason}`,
      explanation: reconnectExplanation(error.reason),
    };
  }
  const code = errorCode(error);
  const message = oneLine(error instanceof Error ? error.message : String(error));
  const where = `${target.host} port ${target.port}`;

  if (error instanceof StepTimeoutError)
    return { detail: message, explanation: timeoutExplanation(step, target) };
  if (step === "dns") {
    if (code === "EAI_AGAIN") {
      return {
        detail: `${target.host} could not be looked up: the DNS server did not answer (EAI_AGAIN).`,
        explanation: {
          title: "DNS server not reachable",
          meaning: "This machine could not reach a DNS server to look up the SMTP host.",
          fix: "Check the machine's network and resolver settings (/etc/resolv.conf or the container's DNS), then test again.",
        },
      };
    }
    return {
      detail: `${target.host} did not resolve to any address (${code ?? message}).`,
      explanation: {
        title: "Host name not found",
        meaning: `DNS has no address for "${target.host}": the host name is misspelled, or this machine's DNS cannot see it.`,
        fix: "Set SMTP_HOST to smtp.gmail.com (or your relay's exact name), and check that this machine resolves public names (try `getent hosts smtp.gmail.com`).",
      },
    };
  }
  if (code === "ECONNREFUSED") {
    return {
      detail: `Connection refused by ${where} (ECONNREFUSED).`,
      explanation: {
        title: "Connection refused",
        meaning: `Nothing accepted connections on ${where}: the port is wrong, or a firewall rejects outbound SMTP.`,
        fix: "Use port 465 (implicit TLS) or 587 (STARTTLS) on smtp.gmail.com. Many cloud hosts and networks block outbound SMTP ports: allow them in the firewall or security group, or ask the provider to lift the block.",
        replyId: "network",
      },
    };
  }
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") {
    return {
      detail: `${where} is unreachable from this machine (${code}).`,
      explanation: {
        title: "Network unreachable",
        meaning: "This machine has no route to the SMTP host.",
        fix: "Check the machine's network connection, proxy and firewall rules for outbound traffic to ports 465/587.",
        replyId: "network",
      },
    };
  }
  if (step === "tls") {
    if (code && CERTIFICATE_CODES.has(code)) {
      const tls = explainById("tls");
      return {
        detail: `The server's certificate did not verify: ${message} (${code}).`,
        explanation: {
          title: "Certificate not trusted",
          meaning:
            `${tls?.meaning ?? ""} Mailroom never sends credentials over a connection it cannot verify.`.trim(),
          fix: `Check that SMTP_HOST is the name on the certificate (smtp.gmail.com) and that nothing on the network intercepts TLS. If a relay or test server uses its own certificate authority, add it with NODE_EXTRA_CA_CERTS — never turn verification off.`,
          replyId: "tls",
        },
      };
    }
    if (
      /wrong version number|packet length too long|unknown protocol|http request/i.test(message)
    ) {
      const reason =
        /wrong version number|packet length too long|unknown protocol|http request/i.exec(
          message,
        )?.[0];
      return {
        detail: `Port ${target.port} answered the TLS handshake in plain text (OpenSSL: “${reason ?? message}”).`,
        explanation: modeMismatchExplanation(target),
      };
    }
    return {
      detail: `TLS failed: ${message}${code ? ` (${code})` : ""}`,
      explanation: replyExplanation("tls"),
    };
  }
  if (code === "ECONNRESET" || code === "EPIPE") {
    return {
      detail: `The connection to ${where} was dropped (${code}).`,
      explanation: replyExplanation("network"),
    };
  }
  return {
    detail: `${message}${code ? ` (${code})` : ""}`,
    explanation: replyExplanation(step === "auth" ? "5.7.8" : "network"),
  };
}

/** Explains Gmail's reply to AUTH XOAUTH2 (535 5.7.8, 534 5.7.14, 454 4.7.0, …). */
export function explainAuthReply(reply: string): Explanation | undefined {
  const known = explainReply(reply);
  if (known) return toExplanation(known.id);
  if (/^53[45]/.test(reply)) return replyExplanation("5.7.8");
  return undefined;
}

export function reconnectExplanation(reason: string): Explanation {
  return {
    title: "Reconnect the Google account",
    meaning: `Google no longer accepts Mailroom's access to this account (“${reason}”). That happens when access was revoked in the Google account's security settings, the password changed, the OAuth app is in Testing status (its tokens die after 7 days), or the token went unused for 6 months.`,
    fix: "Choose “Reconnect Google account” and allow Mailroom to send email again. Queued messages wait in the outbox and go out by themselves after you reconnect.",
    replyId: "5.7.8",
  };
}

function modeMismatchExplanation(target: Target): Explanation {
  return {
    title: target.secure ? "This port speaks STARTTLS, not implicit TLS" : "TLS mode mismatch",
    meaning: `The server on port ${target.port} answered in plain text where a TLS handshake was expected.`,
    fix: "Use port 465 with implicit TLS (SMTP_SECURE=true), or 587 with STARTTLS (SMTP_SECURE=false). Try the other choice below.",
    replyId: "tls",
  };
}

function timeoutExplanation(step: StepName, target: Target): Explanation {
  switch (step) {
    case "dns":
      return {
        title: "DNS lookup timed out",
        meaning: "The DNS server did not answer in time.",
        fix: "Check the machine's resolver settings and network, then test again.",
      };
    case "tcp":
      return {
        title: "Connection timed out",
        meaning: `Nothing answered on ${target.host} port ${target.port}: a firewall is most likely dropping outbound SMTP traffic.`,
        fix: "Allow outbound connections to ports 465 and 587 in the firewall or cloud security group (many providers block SMTP by default), or try the other port.",
        replyId: "network",
      };
    case "tls":
      return target.secure
        ? { ...replyExplanation("tls"), title: "TLS handshake timed out" }
        : {
            title: "No SMTP greeting",
            meaning: `The server on port ${target.port} never sent the SMTP greeting that STARTTLS starts from — it probably expects implicit TLS.`,
            fix: "Use implicit TLS on port 465 (SMTP_SECURE=true), or STARTTLS on 587 (SMTP_SECURE=false).",
            replyId: "5.7.0",
          };
    case "auth":
      return {
        ...replyExplanation("network"),
        title: "Gmail did not answer",
        meaning: "The server stopped answering during authentication.",
      };
  }
}

function replyExplanation(id: string): Explanation {
  return (
    toExplanation(id) ?? {
      title: "Unexpected failure",
      meaning: "The step failed.",
      fix: "Test again.",
    }
  );
}

function toExplanation(id: string): Explanation | undefined {
  const entry = explainById(id);
  return entry && { title: entry.title, meaning: entry.meaning, fix: entry.fix, replyId: entry.id };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
