// The shapes a connection test reports: one result per step, serializable for a server action.

export const DIAGNOSTIC_STEPS = ["dns", "tcp", "tls", "auth"] as const;
export type StepName = (typeof DIAGNOSTIC_STEPS)[number];

export const STEP_LABELS: Record<StepName, string> = {
  dns: "DNS lookup",
  tcp: "TCP connection",
  tls: "TLS",
  auth: "XOAUTH2 sign-in",
};

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
  /** auth: Gmail's final reply to AUTH XOAUTH2, verbatim. */
  reply?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  email: string;
  host: string;
  port: number;
  /** true = implicit TLS, false = STARTTLS. */
  secure: boolean;
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
}
