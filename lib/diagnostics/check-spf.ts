// SPF for a From domain: exactly one `v=spf1` TXT record, that authorizes Google's servers
// (include:_spf.google.com, directly or through a few levels of include:/redirect=), and what
// its `all` qualifier tells receivers about every other server.
import "server-only";
import { couldNotCheck, type SenderDomainCheck } from "./sender-domain-types";
import type { TxtLookup } from "./txt-lookup";

export const GOOGLE_SPF_INCLUDE = "_spf.google.com";
const LABEL = "SPF";
// How many include:/redirect= levels are followed looking for Google's; receivers allow 10
// lookups in all, so real chains stay short.
const MAX_DEPTH = 4;

type Qualifier = "+" | "-" | "~" | "?";

const ALL_MEANINGS: Record<
  Qualifier | "missing",
  { note: string; level: "pass" | "warn" | "fail" }
> = {
  "-": {
    note: "-all (fail): receivers should reject mail from servers the record does not list.",
    level: "pass",
  },
  "~": {
    note: "~all (softfail): mail from servers the record does not list is accepted but treated as suspicious; the usual choice alongside DMARC.",
    level: "pass",
  },
  "?": {
    note: "?all (neutral): the record says nothing about other servers, so it protects little. Use ~all or -all.",
    level: "warn",
  },
  "+": {
    note: "+all: every server on the internet passes SPF for this domain, so anyone may send as it. Use ~all or -all.",
    level: "fail",
  },
  missing: {
    note: "No `all` at the end: servers the record does not list get a neutral result. End the record with ~all or -all.",
    level: "warn",
  },
};

export function isSpfRecord(text: string): boolean {
  return /^v=spf1(\s|$)/i.test(text.trim());
}

export async function checkSpf(domain: string, lookup: TxtLookup): Promise<SenderDomainCheck> {
  const answer = await lookup(domain);
  if (answer.kind === "error") return couldNotCheck("spf", LABEL, domain, answer.message);
  const records = answer.kind === "records" ? answer.records.filter(isSpfRecord) : [];

  if (records.length === 0) {
    return {
      id: "spf",
      label: LABEL,
      level: "fail",
      summary: `No SPF record on ${domain}: receivers cannot tell that Google's servers may send for it.`,
      notes: [],
      found: [],
      fix: {
        text: `Add this TXT record at ${domain}.`,
        record: { type: "TXT", name: domain, value: `v=spf1 include:${GOOGLE_SPF_INCLUDE} ~all` },
      },
    };
  }
  if (records.length > 1) {
    return {
      id: "spf",
      label: LABEL,
      level: "fail",
      summary: `${records.length} SPF records on ${domain}: with more than one, SPF fails (permerror) for every message.`,
      notes: ["A domain may publish only one TXT record starting with v=spf1."],
      found: records,
      fix: {
        text: `Replace them with one TXT record at ${domain} that lists every sender.`,
        record: { type: "TXT", name: domain, value: mergedRecord(records) },
      },
    };
  }

  const record = records[0] ?? "";
  const search = await findGoogle(record, lookup, 0, [domain]);
  const qualifier = allQualifier(record);
  const meaning = ALL_MEANINGS[qualifier ?? "missing"];
  const notes =
    qualifier === undefined && /\bredirect=/i.test(record)
      ? ["The record ends in redirect=: the `all` of the record it redirects to applies."]
      : [meaning.note];

  if (!search.found) {
    const unsure = search.failures.length > 0;
    return {
      id: "spf",
      label: LABEL,
      level: unsure ? "warn" : "fail",
      summary: unsure
        ? `Could not check every part of ${domain}'s SPF record: ${search.failures.join("; ")}.`
        : `${domain}'s SPF record does not include Google's servers (include:${GOOGLE_SPF_INCLUDE}), so mail Gmail sends for it fails SPF.`,
      notes,
      found: records,
      fix: {
        text: `Add include:${GOOGLE_SPF_INCLUDE} to the TXT record at ${domain}.`,
        record: { type: "TXT", name: domain, value: mergedRecord(records) },
      },
    };
  }

  const via =
    search.path.length > 2 ? ` (through ${search.path.slice(1).join(" → ")})` : " directly";
  const level = qualifier === undefined && /\bredirect=/i.test(record) ? "pass" : meaning.level;
  return {
    id: "spf",
    label: LABEL,
    level,
    summary: `One SPF record; it includes Google's servers${via}.`,
    notes,
    found: records,
    fix:
      level === "pass"
        ? undefined
        : {
            text: `End the record with ~all (or -all once every sender is listed).`,
            record: { type: "TXT", name: domain, value: mergedRecord(records) },
          },
  };
}

interface GoogleSearch {
  found: boolean;
  /** The names followed to reach Google's include, starting at the domain. */
  path: string[];
  /** Includes that could not be looked up. */
  failures: string[];
}

async function findGoogle(
  record: string,
  lookup: TxtLookup,
  depth: number,
  path: string[],
): Promise<GoogleSearch> {
  const targets = terms(record)
    .map((term) => /^[+\-~?]?include:(.+)$/i.exec(term)?.[1] ?? /^redirect=(.+)$/i.exec(term)?.[1])
    .filter((t): t is string => !!t)
    .map((t) => t.toLowerCase().replace(/\.$/, ""));
  if (targets.includes(GOOGLE_SPF_INCLUDE)) {
    return { found: true, path: [...path, GOOGLE_SPF_INCLUDE], failures: [] };
  }
  const failures: string[] = [];
  if (depth >= MAX_DEPTH) return { found: false, path, failures };
  for (const target of targets) {
    if (path.includes(target)) continue; // a loop; receivers give up on it too
    const answer = await lookup(target);
    if (answer.kind === "error") {
      failures.push(`${target}: ${answer.message}`);
      continue;
    }
    const nested = answer.kind === "records" ? answer.records.find(isSpfRecord) : undefined;
    if (!nested) continue;
    const result = await findGoogle(nested, lookup, depth + 1, [...path, target]);
    if (result.found) return result;
    failures.push(...result.failures);
  }
  return { found: false, path, failures };
}

function terms(record: string): string[] {
  return record.trim().split(/\s+/).slice(1);
}

function allQualifier(record: string): Qualifier | undefined {
  for (const term of terms(record)) {
    const match = /^([+\-~?]?)all$/i.exec(term);
    if (match) return (match[1] || "+") as Qualifier;
  }
  return undefined;
}

/**
 * One record with every mechanism of `records`, Google's include first, and ~all (or the -all
 * already there) at the end: what to publish instead.
 */
export function mergedRecord(records: string[]): string {
  const seen = new Set<string>([`include:${GOOGLE_SPF_INCLUDE}`]);
  const kept: string[] = [`include:${GOOGLE_SPF_INCLUDE}`];
  let redirect: string | undefined;
  let strict = false;
  for (const record of records) {
    for (const term of terms(record)) {
      const all = /^([+\-~?]?)all$/i.exec(term);
      if (all) {
        strict ||= all[1] === "-";
        continue;
      }
      if (/^redirect=/i.test(term)) {
        redirect ??= term;
        continue;
      }
      const key = term.toLowerCase();
      if (!seen.has(key)) {
        seen.add(key);
        kept.push(term);
      }
    }
  }
  // A redirect= applies only when there is no all; keep it as the record's ending then.
  const hadAll = records.some((r) => allQualifier(r) !== undefined);
  const ending = redirect && !hadAll ? redirect : strict ? "-all" : "~all";
  return ["v=spf1", ...kept, ending].join(" ");
}
