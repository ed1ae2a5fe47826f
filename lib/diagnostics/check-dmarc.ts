// DMARC for a From domain: one `v=DMARC1` record at _dmarc.<domain>, its policy (none,
// quarantine, reject) and what receivers do with it, and how mail sent through Gmail aligns.
import "server-only";
import { couldNotCheck, type SenderDomainCheck } from "./sender-domain-types";
import type { TxtLookup } from "./txt-lookup";

const LABEL = "DMARC";

const POLICIES = {
  none: {
    level: "warn",
    meaning:
      "p=none: receivers only report; mail that fails SPF and DKIM is still delivered. It meets Gmail's bulk sender rule, and is the right start while you read the reports.",
  },
  quarantine: {
    level: "pass",
    meaning: "p=quarantine: receivers put mail that fails both SPF and DKIM alignment in spam.",
  },
  reject: {
    level: "pass",
    meaning: "p=reject: receivers refuse mail that fails both SPF and DKIM alignment.",
  },
} as const;

export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/i.test(text.trim());
}

/** A DMARC record's tags ("v=DMARC1; p=reject; rua=…"), names lowercased. */
export function dmarcTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return tags;
}

export async function checkDmarc(domain: string, lookup: TxtLookup): Promise<SenderDomainCheck> {
  const name = `_dmarc.${domain}`;
  const answer = await lookup(name);
  if (answer.kind === "error") return couldNotCheck("dmarc", LABEL, name, answer.message);
  const records = answer.kind === "records" ? answer.records.filter(isDmarcRecord) : [];
  const starter = {
    type: "TXT" as const,
    name,
    value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}`,
  };

  if (records.length === 0) {
    return {
      id: "dmarc",
      label: LABEL,
      level: "fail",
      summary: `No DMARC record at ${name}: Gmail requires one from bulk senders, and receivers have no policy for mail that fails SPF and DKIM.`,
      notes: [],
      found: [],
      fix: {
        text: `Add this TXT record (reports go to the rua= address; use a mailbox you read). Move to p=quarantine, then p=reject, once the reports show only your own senders.`,
        record: starter,
      },
    };
  }
  if (records.length > 1) {
    return {
      id: "dmarc",
      label: LABEL,
      level: "fail",
      summary: `${records.length} DMARC records at ${name}: receivers ignore DMARC when there is more than one.`,
      notes: [],
      found: records,
      fix: { text: `Keep exactly one TXT record at ${name}.`, record: starter },
    };
  }

  const record = records[0] ?? "";
  const tags = dmarcTags(record);
  const policy = (tags.get("p") ?? "").toLowerCase();
  if (!(policy in POLICIES)) {
    return {
      id: "dmarc",
      label: LABEL,
      level: "fail",
      summary: `The DMARC record at ${name} has no valid policy (p= must be none, quarantine or reject).`,
      notes: [],
      found: records,
      fix: { text: `Publish a record with a policy, e.g.:`, record: starter },
    };
  }

  const { level, meaning } = POLICIES[policy as keyof typeof POLICIES];
  const notes: string[] = [meaning];
  const pct = Number(tags.get("pct") ?? "100");
  if (policy !== "none" && pct < 100) {
    notes.push(
      `pct=${pct}: the policy applies to ${pct}% of failing mail; the rest is treated as p=none.`,
    );
  }
  // Gmail signs with d=<the From domain> when the domain's DKIM key is set up, and SMTP
  // submission puts the From address in the envelope (Return-Path), so both align.
  notes.push(
    `Alignment: DKIM (adkim=${tags.get("adkim") ?? "r"}) and SPF (aspf=${tags.get("aspf") ?? "r"}) are ${describeAlignment(tags)}. Mail sent through Gmail passes DMARC when Google signs it with ${domain}'s DKIM key, or when SPF passes for the envelope sender, which is your From address.`,
  );
  if (!tags.has("rua")) {
    notes.push(
      "No rua= address: you receive no aggregate reports to see who sends as this domain.",
    );
  }

  return {
    id: "dmarc",
    label: LABEL,
    level,
    summary: `DMARC policy: ${policy}.`,
    notes,
    found: records,
    fix:
      level === "warn"
        ? {
            text: "When the reports show only your own senders passing, tighten the policy:",
            record: {
              type: "TXT",
              name,
              value: record.replace(/(^|;)\s*p\s*=\s*none/i, "$1 p=quarantine").trim(),
            },
          }
        : undefined,
  };
}

function describeAlignment(tags: Map<string, string>): string {
  const strict = [tags.get("adkim"), tags.get("aspf")].map((v) => v?.toLowerCase() === "s");
  if (strict[0] && strict[1]) {
    return "strict: the signing and envelope domains must equal the From domain exactly, not a subdomain";
  }
  if (strict[0] || strict[1]) return "strict for one: that one must match the From domain exactly";
  return "relaxed: a subdomain of the From domain also aligns";
}
