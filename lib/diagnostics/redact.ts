// Removes secrets from text meant for a person or a log: known tokens, Bearer credentials, and
// XOAUTH2 payloads — the base64 of "user=…\x01auth=Bearer <token>\x01\x01" — wherever they appear.

const REDACTED = "[redacted]";
/** The argument of an AUTH XOAUTH2 command is a credential, whatever it decodes to. */
const XOAUTH2_ARGUMENT = /(\bAUTH[ \t]+XOAUTH2[ \t]+)[^\s"]+/gi;
/** A run of base64 long enough to carry a token (an XOAUTH2 payload is far longer). */
const BASE64_RUN = /[A-Za-z0-9+/]{20,}={0,2}/g;
const BEARER_CREDENTIAL = /\b(Bearer[ \t]+)[A-Za-z0-9\-._~+/]{16,}=*/gi;
/** Known secrets shorter than this are too likely to occur in ordinary text to be blanked. */
const MIN_SECRET_LENGTH = 8;

export function redact(text: string, secrets: readonly string[]): string {
  const known = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  let out = text.replace(XOAUTH2_ARGUMENT, `$1${REDACTED}`);
  // The payload sent on its own (after a bare "AUTH XOAUTH2" and its 334), or quoted elsewhere.
  out = out.replace(BASE64_RUN, (run) => (carriesCredential(run, known) ? REDACTED : run));
  for (const secret of known) out = out.split(secret).join(REDACTED);
  return out.replace(BEARER_CREDENTIAL, `$1${REDACTED}`);
}

/** `redact` applied to every string inside a value (e.g. a result about to be shown). */
export function redactAll<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === "string") return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactAll(v, secrets)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactAll(v, secrets)]),
    ) as T;
  }
  return value;
}

/** Collapses a multi-line SMTP reply or error message into one tidy line. */
export function oneLine(text: string, max = 500): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function carriesCredential(base64: string, secrets: readonly string[]): boolean {
  const decoded = Buffer.from(base64, "base64").toString("utf8");
  return /auth=Bearer/i.test(decoded) || secrets.some((s) => decoded.includes(s));
}
