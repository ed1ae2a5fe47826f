// Who may sign in: an address on ALLOWED_EMAILS or in a domain on ALLOWED_DOMAINS. With neither
// set (only possible outside production) everyone may.
import { env } from "../env";

export interface AllowList {
  ALLOWED_EMAILS: readonly string[];
  ALLOWED_DOMAINS: readonly string[];
}

export function isEmailAllowed(email: string, config: AllowList = env()): boolean {
  if (config.ALLOWED_EMAILS.length === 0 && config.ALLOWED_DOMAINS.length === 0) return true;
  const address = email.trim().toLowerCase();
  if (config.ALLOWED_EMAILS.includes(address)) return true;
  const at = address.lastIndexOf("@");
  return at > 0 && config.ALLOWED_DOMAINS.includes(address.slice(at + 1));
}
