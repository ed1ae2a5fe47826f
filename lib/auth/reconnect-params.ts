// What a reconnect adds to Google's authorization request: the account to sign in as, so Google
// goes straight to its consent, and consent again, so Google issues a new refresh token.
export function reconnectParams(email: string): { login_hint: string; prompt: "consent" } {
  return { login_hint: email, prompt: "consent" };
}
