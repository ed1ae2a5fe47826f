// Reads a comma-separated address list by Gmail's rules. Shared by the server's checks (compose,
// API, relay) and the compose form's recipient chips, so it stays free of server-only imports.
import addressparser from "nodemailer/lib/addressparser";

export interface Mailbox {
  name: string;
  address: string;
}

export const CRLF = /[\r\n]/;
// Deliberately plain: Gmail itself rejects addresses outside this (553-5.1.2).
const ADDRESS =
  /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidAddress(address: string): boolean {
  return ADDRESS.test(address);
}

/** One entry of a list as a person typed it: the mailbox, or what could not be read as one. */
export type ListEntry = { ok: true; mailbox: Mailbox } | { ok: false; shown: string };

/** Every entry of a comma-separated list, valid or not, in order. */
export function readAddressEntries(input: string): ListEntry[] {
  const trimmed = input.trim();
  if (!trimmed) return [];
  return addressparser(trimmed, { flatten: true }).map((entry): ListEntry => {
    const address = entry.address?.trim() ?? "";
    if (isValidAddress(address)) return { ok: true, mailbox: { name: entry.name, address } };
    return { ok: false, shown: address || entry.name || trimmed };
  });
}

/**
 * Parses a comma-separated address list; returns the mailboxes, or one sentence naming every
 * address that is not valid (not just the first), so a person fixes them all in one go.
 */
export function parseAddressList(
  input: string,
): { ok: true; value: Mailbox[] } | { ok: false; error: string; invalid: string[] } {
  if (CRLF.test(input)) {
    return { ok: false, error: "Line breaks are not allowed in addresses.", invalid: [] };
  }
  const entries = readAddressEntries(input);
  const invalid = entries.flatMap((e) => (e.ok ? [] : [e.shown]));
  if (invalid.length > 0) return { ok: false, error: invalidAddressesSentence(invalid), invalid };
  return { ok: true, value: entries.flatMap((e) => (e.ok ? [e.mailbox] : [])) };
}

/** `"a" is not a valid email address.` / `"a", "b" and "c" are not valid email addresses.` */
export function invalidAddressesSentence(invalid: string[]): string {
  const quoted = invalid.map((a) => `"${a}"`);
  if (quoted.length === 1) return `${quoted[0]} is not a valid email address.`;
  const list = `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
  return `${list} are not valid email addresses.`;
}

/** A mailbox as one list entry: `Ann <ann@example.com>`, the name quoted when it needs it. */
export function formatMailbox(mailbox: Mailbox): string {
  if (!mailbox.name) return mailbox.address;
  const name = /^[\w\s.'-]+$/u.test(mailbox.name)
    ? mailbox.name
    : `"${mailbox.name.replace(/(["\\])/g, "\\$1")}"`;
  return `${name} <${mailbox.address}>`;
}
