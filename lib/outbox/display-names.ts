// The display names a message's addresses were given ("Bob Builder <bob@example.org>"), kept
// beside the bare addresses: the worker's envelope, the API's answers and the search index read
// only the addresses, and the history shows each with its name.

/** Longer names are cut: a name is for reading in a list, and a row stays small. */
const MAX_NAME_LENGTH = 200;

export type DisplayNames = Record<string, string>;

/** Lowercase address → name, for the mailboxes that have a name (the first name wins). */
export function displayNamesOf(
  mailboxes: readonly { name?: string | null; address: string }[],
): DisplayNames {
  const names: DisplayNames = {};
  for (const { name, address } of mailboxes) {
    // Line breaks never reach a header, and nor do they reach a page.
    const clean = (name ?? "")
      .replace(/[\r\n\t]+/g, " ")
      .trim()
      .slice(0, MAX_NAME_LENGTH);
    const key = address.trim().toLowerCase();
    if (clean && key && !(key in names)) names[key] = clean;
  }
  return names;
}

/** The column's value: JSON text, or null when no address has a name. */
export function storedDisplayNames(names: DisplayNames | undefined): string | null {
  return names && Object.keys(names).length > 0 ? JSON.stringify(names) : null;
}

/** The stored column read back (Prisma's JSON, or anything else: no names). */
export function readDisplayNames(value: unknown): DisplayNames {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const names: DisplayNames = {};
  for (const [address, name] of Object.entries(value)) {
    if (typeof name === "string" && name) names[address] = name;
  }
  return names;
}

/** "Bob Builder <bob@example.org>", or the bare address when it had no name. */
export function withDisplayName(address: string, names: DisplayNames): string {
  const name = names[address.toLowerCase()];
  return name ? `${name} <${address}>` : address;
}

/** A stored address list (JSON array) as the history shows it. */
export function addressesWithNames(list: unknown, names: DisplayNames): string {
  if (!Array.isArray(list)) return "";
  return list
    .filter((a): a is string => typeof a === "string")
    .map((a) => withDisplayName(a, names))
    .join(", ");
}
