// The shapes the sender domain checks report: per domain, one result per check, each green,
// amber or red with what was found and the exact fix. Plain data, so a page can render it.

export type CheckLevel = "pass" | "warn" | "fail";

export const CHECK_LEVEL_LABELS: Record<CheckLevel, string> = {
  pass: "OK",
  warn: "Needs attention",
  fail: "Problem",
};

export type SenderCheckId = "spf" | "dkim" | "dmarc" | "unsubscribe";

/** A DNS record to publish, exactly as the domain's DNS host asks for it. */
export interface DnsRecordFix {
  type: "TXT";
  /** The full name, e.g. "_dmarc.example.com". */
  name: string;
  value: string;
}

export interface SenderDomainCheck {
  id: SenderCheckId;
  label: string;
  level: CheckLevel;
  /** One sentence: what was found. */
  summary: string;
  /** What the findings mean (the `all` qualifier, the DMARC policy, alignment…). */
  notes: string[];
  /** The records as published, verbatim. */
  found: string[];
  /** What to do, when anything is to be done. */
  fix?: {
    text: string;
    record?: DnsRecordFix;
    /** A snippet to copy that is not a DNS record (e.g. an API request's headers). */
    example?: string;
  };
}

export interface SenderDomainReport {
  domain: string;
  /** The From addresses on this domain that the checks were run for. */
  addresses: string[];
  checks: SenderDomainCheck[];
}

/** The result of a check whose DNS lookup failed: amber, never a crash. */
export function couldNotCheck(
  id: SenderCheckId,
  label: string,
  name: string,
  message: string,
): SenderDomainCheck {
  return {
    id,
    label,
    level: "warn",
    summary: `Could not check: looking up ${name} failed (${message}).`,
    notes: [],
    found: [],
    fix: {
      text: "Try again in a moment. If it keeps failing, check that this server can reach its DNS resolver (DNS_SERVERS, or the system's when it is empty).",
    },
  };
}
