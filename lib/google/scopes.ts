// The OAuth scopes Mailroom asks for. Sign-in asks for identity and the sending scope of the
// way the account sends (lib/sending/ways/send-ways.ts): SMTP with XOAUTH2 needs the full Gmail
// scope (restricted); the Gmail API needs only gmail.send (sensitive). A later request for
// another scope adds to what was granted (include_granted_scopes).
export const GMAIL_SCOPE = "https://mail.google.com/";
export const GMAIL_SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send";
export const IDENTITY_SCOPES = ["openid", "email", "profile"] as const;
export const SIGN_IN_SCOPES = [...IDENTITY_SCOPES, GMAIL_SCOPE].join(" ");

/** Identity plus one sending scope: what a sign-in or a grant asks Google for. */
export function signInScopes(sendingScope: string): string {
  return [...IDENTITY_SCOPES, sendingScope].join(" ");
}

export function grantedScopes(scope: string | null | undefined): string[] {
  return (scope ?? "").split(/\s+/).filter(Boolean);
}

export function hasGmailScope(scope: string | null | undefined): boolean {
  return grantedScopes(scope).includes(GMAIL_SCOPE);
}

/** Any scope Mailroom can send with: the full Gmail scope or gmail.send. */
export function hasSendingScope(scope: string | null | undefined): boolean {
  const granted = grantedScopes(scope);
  return granted.includes(GMAIL_SCOPE) || granted.includes(GMAIL_SEND_SCOPE);
}
