// Which From domains a user's sender domain checks cover: every address they send from, minus
// Gmail's own domains (Google publishes SPF, DKIM and DMARC for those itself).
import "server-only";
import { senderAddresses } from "../api-keys/sender-addresses";
import { db } from "../db";

const GOOGLE_DOMAINS = new Set(["gmail.com", "googlemail.com"]);

export interface SenderDomain {
  /** Lowercased, e.g. "example.com". */
  domain: string;
  /** The From addresses on it, as stored. */
  addresses: string[];
}

/** The addresses `userId` sends from: the account's own and its verified send-as aliases. */
export async function senderAddressesFor(userId: string): Promise<string[]> {
  return senderAddresses(await db(), userId);
}

/** The custom domains among `addresses`, each once, in the order first seen. */
export function customDomainsOf(addresses: string[]): SenderDomain[] {
  const byDomain = new Map<string, SenderDomain>();
  for (const address of addresses) {
    const at = address.lastIndexOf("@");
    if (at < 0) continue;
    const domain = address
      .slice(at + 1)
      .toLowerCase()
      .replace(/\.$/, "");
    if (!domain || GOOGLE_DOMAINS.has(domain)) continue;
    const entry = byDomain.get(domain) ?? { domain, addresses: [] };
    if (!entry.addresses.includes(address)) entry.addresses.push(address);
    byDomain.set(domain, entry);
  }
  return [...byDomain.values()];
}

/** The custom From domains of `userId`, the checks' entry point. */
export async function senderDomainsFor(userId: string): Promise<SenderDomain[]> {
  return customDomainsOf(await senderAddressesFor(userId));
}
