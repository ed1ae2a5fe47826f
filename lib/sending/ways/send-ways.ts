// The three ways an account can send through Gmail, what each needs, and what each cannot do.
// The status page offers them; the worker sends with the one the account chose.
import { GMAIL_SCOPE, GMAIL_SEND_SCOPE, grantedScopes } from "../../google/scopes";

export const SEND_WAYS = ["smtp_oauth", "gmail_api", "app_password"] as const;
export type SendWay = (typeof SEND_WAYS)[number];

export interface SendWayInfo {
  way: SendWay;
  label: string;
  summary: string;
  /** The OAuth scopes any one of which lets this way send; none for an app password. */
  scopes: readonly string[];
}

export const SEND_WAY_INFO: Record<SendWay, SendWayInfo> = {
  smtp_oauth: {
    way: "smtp_oauth",
    label: "SMTP with OAuth (XOAUTH2)",
    summary:
      "Sends over smtp.gmail.com with an OAuth access token. Needs the https://mail.google.com/ scope, which Google classes as restricted.",
    scopes: [GMAIL_SCOPE],
  },
  gmail_api: {
    way: "gmail_api",
    label: "Gmail API",
    summary:
      "Sends with the Gmail API's users.messages.send. Needs only the gmail.send scope, which Google classes as sensitive, not restricted.",
    scopes: [GMAIL_SEND_SCOPE, GMAIL_SCOPE],
  },
  app_password: {
    way: "app_password",
    label: "SMTP with an app password",
    summary:
      "Sends over smtp.gmail.com with AUTH PLAIN and a 16-letter app password. Needs 2-Step Verification on the Google account, and no OAuth scope.",
    scopes: [],
  },
};

export function isSendWay(value: string): value is SendWay {
  return (SEND_WAYS as readonly string[]).includes(value);
}

/** The way stored for an account; an unknown value (a newer release's) reads as the default. */
export function sendWayOf(value: string | null | undefined): SendWay {
  return value && isSendWay(value) ? value : "smtp_oauth";
}

/** Whether the account's granted scopes let this way send. */
export function wayHasScope(way: SendWay, scope: string | null | undefined): boolean {
  const needed = SEND_WAY_INFO[way].scopes;
  if (needed.length === 0) return true;
  const granted = grantedScopes(scope);
  return needed.some((s) => granted.includes(s));
}
