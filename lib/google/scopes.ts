// The OAuth scopes Mailroom asks for; SMTP with XOAUTH2 needs the full Gmail scope.
export const GMAIL_SCOPE = "https://mail.google.com/";
export const SIGN_IN_SCOPES = ["openid", "email", "profile", GMAIL_SCOPE].join(" ");

export function hasGmailScope(scope: string | null | undefined): boolean {
  return (scope ?? "").split(/\s+/).includes(GMAIL_SCOPE);
}
