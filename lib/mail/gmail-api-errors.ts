// What the Gmail API's errors for users.messages.send mean and what to do about them, in the same
// shape as Gmail's SMTP replies (gmail-replies.ts). Mailroom records an API answer as
// "Gmail API <status> <reason>: <message>", so history and the status page explain it.
import type { ReplyExplanation } from "./gmail-replies";

export const GMAIL_API_ERRORS: readonly ReplyExplanation[] = [
  {
    id: "api:authError",
    kind: "auth",
    title: "Invalid credentials (401)",
    meaning: "The Gmail API refused the OAuth access token: it expired or was revoked.",
    fix: "Mailroom refreshes the token once by itself. If it still fails, reconnect the Google account from the status page.",
  },
  {
    id: "api:insufficientPermissions",
    kind: "auth",
    title: "Insufficient permissions (403)",
    meaning:
      "The account has not granted a scope that lets the Gmail API send: gmail.send or https://mail.google.com/.",
    fix: "Grant Gmail API sending on the status page (Google asks only for gmail.send), or switch the account back to SMTP.",
  },
  {
    id: "api:userRateLimitExceeded",
    kind: "quota",
    title: "User-rate limit exceeded (429)",
    meaning:
      "The account reached Gmail's sending limit for now: its rolling 24-hour quota, or too many sends in a short time.",
    fix: "Nothing is lost: messages wait and go out when Gmail says sending may resume.",
  },
  {
    id: "api:dailyLimitExceeded",
    kind: "quota",
    title: "Daily limit exceeded (403)",
    meaning: "The account reached Gmail's daily sending limit.",
    fix: "Nothing is lost: messages wait and go out as the 24-hour window frees up.",
  },
  {
    id: "api:rateLimitExceeded",
    kind: "temporary",
    title: "Rate limit exceeded (429)",
    meaning: "Too many requests for this account at once.",
    fix: "Nothing to do: Mailroom backs off and retries. Lower the sending pace if it happens often.",
  },
  {
    id: "api:invalidArgument",
    kind: "permanent",
    title: "Invalid argument (400)",
    meaning:
      "The Gmail API refused the message itself: a malformed header or address, or a missing recipient.",
    fix: "Correct the message and send it again; retrying the same message gets the same answer.",
  },
  {
    id: "api:backendError",
    kind: "temporary",
    title: "Backend error (5xx)",
    meaning: "A temporary problem at Gmail.",
    fix: "Nothing to do: Mailroom retries with backoff.",
  },
];

const byId = new Map(GMAIL_API_ERRORS.map((e) => [e.id, e]));

/** A recorded API answer's status and reason ("Gmail API 403 insufficientPermissions: …"). */
export function parseApiReply(
  reply: string | undefined,
): { status: number; reason: string } | undefined {
  const match = reply?.match(/^Gmail API (\d{3}) ([A-Za-z]+)/);
  return match ? { status: Number(match[1]), reason: match[2] ?? "" } : undefined;
}

export function explainApiError(status: number, reason: string): ReplyExplanation | undefined {
  const known = byId.get(`api:${reason}`);
  if (known) return known;
  if (status === 401) return byId.get("api:authError");
  if (status === 400) return byId.get("api:invalidArgument");
  if (status === 429) return byId.get("api:rateLimitExceeded");
  if (status >= 500) return byId.get("api:backendError");
  return undefined;
}
