// What Gmail's SMTP replies mean and what to do about them, in plain words (from GMAIL.md), and
// the Gmail API's answers recorded in their place (gmail-api-errors.ts).
import { explainApiError, parseApiReply } from "./gmail-api-errors";

export type ReplyKind = "temporary" | "auth" | "quota" | "permanent" | "configuration";

export interface ReplyExplanation {
  /** Matches the reply's enhanced status code (e.g. "5.7.8") or nodemailer error code. */
  id: string;
  kind: ReplyKind;
  title: string;
  meaning: string;
  fix: string;
}

export const GMAIL_REPLIES: readonly ReplyExplanation[] = [
  {
    id: "5.7.8",
    kind: "auth",
    title: "Username and Password not accepted",
    meaning:
      "Gmail refused the credentials. With OAuth: the access token expired, was revoked, or lacks the https://mail.google.com/ scope. With an app password: the password is wrong, or was revoked (a password change revokes every app password).",
    fix: "With OAuth, Mailroom refreshes the token once by itself; if it still fails, reconnect the Google account from the status page, and check that the OAuth app is not in Testing status (its tokens die after 7 days). With an app password, create a new one in the Google account's security settings and add it on the status page.",
  },
  {
    id: "5.7.9",
    kind: "auth",
    title: "Application-specific password required",
    meaning:
      "The account's own password was given where Gmail wants an app password: the account has 2-Step Verification on.",
    fix: "Create an app password (16 letters) in the Google account's security settings and add it on the status page instead of the account password, or send with OAuth.",
  },
  {
    id: "5.7.14",
    kind: "auth",
    title: "Please log in via your web browser",
    meaning: "Google blocked the sign-in as suspicious.",
    fix: "Sign in to Gmail on the web, review the security activity, then reconnect the account.",
  },
  {
    id: "5.7.0",
    kind: "configuration",
    title: "Must issue a STARTTLS command first / Authentication required",
    meaning: "The client spoke before TLS or before authenticating.",
    fix: "Use port 465 with implicit TLS (SMTP_SECURE=true), or 587 with STARTTLS required (SMTP_SECURE=false).",
  },
  {
    id: "4.7.0",
    kind: "temporary",
    title: "Try again later / Too many login attempts",
    meaning: "Gmail is busy, or rate-limited logins from this account.",
    fix: "Nothing to do: Mailroom backs off and retries. Stop any other program that keeps logging in to this account.",
  },
  {
    id: "4.3.0",
    kind: "temporary",
    title: "Mail server temporarily rejected message",
    meaning: "A temporary problem at Gmail.",
    fix: "Nothing to do: Mailroom retries with backoff.",
  },
  {
    id: "4.2.1",
    kind: "temporary",
    title: "Receiving mail too quickly",
    meaning: "Gmail wants this account to send more slowly.",
    fix: "Mailroom retries later; lower the sending pace if it happens often.",
  },
  {
    id: "4.5.3",
    kind: "temporary",
    title: "Too many recipients",
    meaning: "More recipients than Gmail takes in one message (100).",
    fix: "Split the message into several with fewer recipients.",
  },
  {
    id: "5.4.5",
    kind: "quota",
    title: "Daily user sending quota exceeded",
    meaning:
      "The account reached Gmail's rolling 24-hour sending limit (about 500 recipients for Gmail, 2,000 messages for Workspace).",
    fix: "Nothing is lost: messages wait and go out as the 24-hour window frees up.",
  },
  {
    id: "5.3.4",
    kind: "permanent",
    title: "Message exceeded Google's size limits",
    meaning: "The message is larger than Gmail accepts (25 MB).",
    fix: "Shrink the message or share a link instead of attaching files.",
  },
  {
    id: "5.1.2",
    kind: "permanent",
    title: "Not a valid RFC-5321 address",
    meaning: "A recipient address is malformed or its domain does not exist.",
    fix: "Correct the recipient address and send again.",
  },
  {
    id: "5.7.26",
    kind: "permanent",
    title: "Unauthenticated email not accepted (DMARC)",
    meaning: "The From domain fails SPF/DKIM/DMARC.",
    fix: "Send from the Gmail address or a verified send-as alias, or fix the domain's SPF and DKIM.",
  },
  {
    id: "network",
    kind: "temporary",
    title: "Connection problem",
    meaning: "The connection to the SMTP server failed, timed out or was dropped.",
    fix: "Mailroom retries. If it persists, check DNS, outbound firewall rules for ports 465/587, and SMTP_HOST.",
  },
  {
    id: "tls",
    kind: "configuration",
    title: "TLS failure",
    meaning: "The TLS handshake failed or the server's certificate could not be verified.",
    fix: "Check SMTP_HOST, SMTP_PORT and SMTP_SECURE (465 = implicit TLS, 587 = STARTTLS), and the system's CA certificates.",
  },
];

const byId = new Map(GMAIL_REPLIES.map((r) => [r.id, r]));

export function explainById(id: string): ReplyExplanation | undefined {
  return byId.get(id);
}

/** The enhanced status code in an SMTP reply ("550-5.4.5 Daily …" → "5.4.5"). */
export function enhancedCode(reply: string | undefined): string | undefined {
  return reply?.match(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/)?.[1];
}

export function explainReply(reply: string | undefined): ReplyExplanation | undefined {
  const api = parseApiReply(reply);
  if (api) return explainApiError(api.status, api.reason);
  const code = enhancedCode(reply);
  return code ? byId.get(code) : undefined;
}
