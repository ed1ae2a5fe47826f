// DKIM for a From domain: a `v=DKIM1` public key at <selector>._domainkey.<domain> (Google
// Workspace's selector is "google" unless the admin chose another), not revoked, long enough.
import "server-only";
import { createPublicKey } from "node:crypto";
import { couldNotCheck, type SenderDomainCheck } from "./sender-domain-types";
import type { TxtLookup } from "./txt-lookup";

const LABEL = "DKIM";

const GENERATE_KEY =
  "In the Google Admin console, open Apps → Google Workspace → Gmail → Authenticate email, generate a key for this domain (2048-bit), publish the TXT record it shows, then click Start authentication.";

/** The tags of a DKIM key record ("v=DKIM1; k=rsa; p=MIIB…"), names lowercased. */
export function dkimTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ""));
  }
  return tags;
}

export async function checkDkim(
  domain: string,
  selector: string,
  lookup: TxtLookup,
): Promise<SenderDomainCheck> {
  const name = `${selector}._domainkey.${domain}`;
  const answer = await lookup(name);
  if (answer.kind === "error") return couldNotCheck("dkim", LABEL, name, answer.message);
  const records = answer.kind === "records" ? answer.records : [];
  // A key record names itself v=DKIM1, or at least carries the key (v= is optional in RFC 6376).
  const keys = records.filter((r) => /^\s*v\s*=\s*DKIM1\b/i.test(r) || dkimTags(r).has("p"));
  const selectorNote =
    selector === "google"
      ? "Mailroom looks for Google Workspace's default selector, \"google\". If this domain's key uses another selector, set DKIM_SELECTOR."
      : `Mailroom looks for the selector "${selector}" (DKIM_SELECTOR).`;

  if (keys.length === 0) {
    return {
      id: "dkim",
      label: LABEL,
      level: "fail",
      summary: `No DKIM key at ${name}: mail from ${domain} is not signed with a key receivers can check, and fails DKIM.`,
      notes: [selectorNote],
      found: records,
      fix: { text: `${GENERATE_KEY} The record goes at ${name}.` },
    };
  }

  const tags = dkimTags(keys[0] ?? "");
  const publicKey = tags.get("p") ?? "";
  if (publicKey === "") {
    return {
      id: "dkim",
      label: LABEL,
      level: "fail",
      summary: `The DKIM key at ${name} is revoked (empty p=): signatures made with it fail.`,
      notes: [selectorNote],
      found: keys,
      fix: { text: `${GENERATE_KEY} It replaces the record at ${name}.` },
    };
  }

  const bits = rsaKeyBits(publicKey);
  const notes = [selectorNote];
  if (keys.length > 1)
    notes.push(`${keys.length} key records at one selector: receivers may pick either.`);
  if (bits !== undefined && bits < 2048) {
    return {
      id: "dkim",
      label: LABEL,
      level: "warn",
      summary: `A ${bits}-bit DKIM key at ${name}: it works, but Google recommends 2048 bits.`,
      notes,
      found: keys,
      fix: { text: `${GENERATE_KEY} Choose 2048 bits; it replaces the record at ${name}.` },
    };
  }
  return {
    id: "dkim",
    label: LABEL,
    level: "pass",
    summary: `A DKIM key is published at ${name}${bits ? ` (${bits}-bit RSA)` : ""}.`,
    notes,
    found: keys,
  };
}

/** The modulus length of an RSA key in a DKIM record's p= tag, when it parses as one. */
function rsaKeyBits(base64: string): number | undefined {
  try {
    const key = createPublicKey({
      key: Buffer.from(base64, "base64"),
      format: "der",
      type: "spki",
    });
    return key.asymmetricKeyDetails?.modulusLength;
  } catch {
    return undefined;
  }
}
