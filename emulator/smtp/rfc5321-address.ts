// Recipient address syntax as Gmail enforces it at RCPT TO: RFC 5321 mailbox with a domain
// that has a dot (Gmail refuses "user@localhost" and other dotless domains).

// RFC 5322 atext; UTF-8 is allowed too, for SMTPUTF8 addresses.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uFFFF]+";
const DOT_ATOM = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\uFFFF]|\\[\x20-\x7e])*"$/;
const LABEL =
  /^[A-Za-z0-9\u0080-\uFFFF](?:[A-Za-z0-9\u0080-\uFFFF-]{0,61}[A-Za-z0-9\u0080-\uFFFF])?$/;

export function isValidRecipient(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return false;
  if (!DOT_ATOM.test(local) && !QUOTED_STRING.test(local)) return false;

  const labels = domain.split(".");
  if (labels.length < 2 || domain.length > 253) return false;
  if (!labels.every((label) => LABEL.test(label))) return false;
  // A top-level domain is never all digits; that is an IP address without brackets.
  return !/^\d+$/.test(labels[labels.length - 1] ?? "");
}
