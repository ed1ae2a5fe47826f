// What a reconnect or a grant adds to Google's authorization request: the account to sign in as,
// so Google goes straight to its consent, and consent again, so Google issues a new refresh
// token. With `scope`, the request asks for that sending scope (and identity) only, and keeps
// what the account granted before (incremental authorization).
import { signInScopes } from "../google/scopes";

export function reconnectParams(email: string, sendingScope?: string): Record<string, string> {
  return {
    login_hint: email,
    prompt: "consent",
    ...(sendingScope ? { scope: signInScopes(sendingScope), include_granted_scopes: "true" } : {}),
  };
}
