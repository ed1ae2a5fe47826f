// The shapes a connection test reports: one result per step, serializable for a server action.
import type { SendWay } from "../sending/ways/send-ways";

export const DIAGNOSTIC_STEPS = ["dns", "tcp", "tls", "auth"] as const;
export type StepName = (typeof DIAGNOSTIC_STEPS)[number];

export const STEP_LABELS: Record<StepName, string> = {
  dns: "DNS lookup",
  tcp: "TCP connection",
  tls: "TLS",
  auth: "XOAUTH2 sign-in",
};

/** The last step checks the account's own way of sending, and is named after it. */
const AUTH_LABELS: Record<SendWay, string> = {
  smtp_oauth: "XOAUTH2 sign-in",
  app_password: "App password sign-in",
  gmail_api: "Access token and gmail.send",
};

export function stepLabel(step: StepName, way: SendWay): string {
  return step === "auth" ? AUTH_LABELS[way] : STEP_LABELS[step];
}

export interface Explanation {
  title: string;
  meaning: string;
  fix: string;
  /** The GMAIL_REPLIES entry this explanation comes from, when there is one. */
  replyId?: string;
}

export interface CertificateInfo {
  /** The subject's common name (CN), e.g. "smtp.gmail.com". */
  subject: string;
  /** Subject alternative names as the certificate lists them, e.g. "DNS:smtp.gmail.com". */
  altNames: string | null;
  /** Issuer's common name and organization, e.g. "WR2 (Google Trust Services)". */
  issuer: string;
  validFrom: string;
  /** ISO 8601. */
  validTo: string;
  /** True only when Node verified the chain and the host name; a failure never gets this far. */
  verified: boolean;
  protocol: string | null;
  cipher: string | null;
}

export interface StepResult {
  step: StepName;
  ok: boolean;
  /** Not run because an earlier step failed. */
  skipped: boolean;
  durationMs: number;
  /** One line on what happened; never contains a token. */
  detail: string;
  explanation?: Explanation;
  /** dns: every address the host resolved to. */
  addresses?: string[];
  /** tcp: the address and port that accepted the connection. */
  connectedTo?: string;
  /** tls: the server's certificate. */
  certificate?: CertificateInfo;
  /** auth: Gmail's final reply to AUTH (XOAUTH2, or PLAIN/LOGIN with an app password), verbatim. */
  reply?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  email: string;
  /** The account's way of sending, which the test follows: SMTP (either sign-in) or the Gmail API. */
  way: SendWay;
  /** smtp.gmail.com (SMTP_HOST), or for the Gmail API the host of GMAIL_API_URL. */
  host: string;
  port: number;
  /** SMTP: true = implicit TLS, false = STARTTLS. Gmail API: true = HTTPS, false = plain HTTP (loopback only). */
  secure: boolean;
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
}
