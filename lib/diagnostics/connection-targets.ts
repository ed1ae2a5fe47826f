// The two ways the status page can test the SMTP connection: the configured port and TLS mode,
// and the other TLS mode on the same host (SMTP_ALT_PORT, by default the standard 465 ↔ 587).
import "server-only";
import { env, type Env } from "../env";

export type TlsMode = "implicit" | "starttls";

export interface ConnectionTarget {
  mode: TlsMode;
  host: string;
  port: number;
  /** true = implicit TLS; false = STARTTLS. */
  secure: boolean;
  /** This is what the outbox uses (SMTP_PORT / SMTP_SECURE). */
  configured: boolean;
}

const STANDARD_PORT: Record<TlsMode, number> = { implicit: 465, starttls: 587 };

type SmtpConfig = Pick<Env, "SMTP_HOST" | "SMTP_PORT" | "SMTP_SECURE" | "SMTP_ALT_PORT">;

/** Implicit TLS first, then STARTTLS; exactly one of them is the configured one. */
export function connectionTargets(config: SmtpConfig = env()): ConnectionTarget[] {
  return (["implicit", "starttls"] as const).map((mode) => connectionTargetFor(mode, config));
}

export function connectionTargetFor(mode: TlsMode, config: SmtpConfig = env()): ConnectionTarget {
  const configuredMode: TlsMode = config.SMTP_SECURE ? "implicit" : "starttls";
  const configured = mode === configuredMode;
  return {
    mode,
    host: config.SMTP_HOST,
    port: configured ? config.SMTP_PORT : (config.SMTP_ALT_PORT ?? STANDARD_PORT[mode]),
    secure: mode === "implicit",
    configured,
  };
}
