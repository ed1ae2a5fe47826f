// Decides what a failed send means (GMAIL.md): retry later, reconnect, wait for quota, or give up.
import { explainById, explainReply, type ReplyExplanation, type ReplyKind } from "./gmail-replies";

export interface SmtpFailure {
  kind: ReplyKind;
  code?: number;
  /** Gmail's reply text, or a description of the network/TLS failure. */
  reply: string;
  explanation?: ReplyExplanation;
}

interface NodemailerErrorLike {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

const NETWORK_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
]);

export function classifySmtpError(error: unknown): SmtpFailure {
  const e = (typeof error === "object" && error !== null ? error : {}) as NodemailerErrorLike;
  const code = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const reply = oneLine(typeof e.response === "string" ? e.response : String(e.message ?? error));
  const errCode = typeof e.code === "string" ? e.code : undefined;

  if (code !== undefined) {
    const explanation = explainReply(reply);
    if (explanation) return { kind: explanation.kind, code, reply, explanation };
    if (code >= 400 && code < 500) return { kind: "temporary", code, reply };
    if (code === 535 || code === 534)
      return { kind: "auth", code, reply, explanation: explainById("5.7.8") };
    return { kind: "permanent", code, reply };
  }
  if (errCode === "EAUTH" || errCode === "EOAUTH2") {
    return { kind: "auth", reply, explanation: explainById("5.7.8") };
  }
  if (errCode === "ETLS") return { kind: "configuration", reply, explanation: explainById("tls") };
  if (errCode && (NETWORK_CODES.has(errCode) || errCode.startsWith("E"))) {
    return { kind: "temporary", reply, explanation: explainById("network") };
  }
  return { kind: "temporary", reply, explanation: explainById("network") };
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\s+/g, " ").trim().slice(0, 1000);
}
