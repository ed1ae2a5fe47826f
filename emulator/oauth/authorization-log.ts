// The authorization requests the consent page was shown for, newest first, so a test can see what
// an app asked Google for (scopes, prompt, access type, login_hint, include_granted_scopes).
// Bounded like the mailbox.
import type { LoggedAuthorization } from "../types";
import type { AuthorizationRequest } from "./authorization-request";

const LIMIT = 100;

export class AuthorizationLog {
  private entries: LoggedAuthorization[] = [];

  constructor(private readonly now: () => number) {}

  record(request: AuthorizationRequest): void {
    this.entries.unshift({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      scopes: [...request.scopes],
      accessType: request.accessType,
      prompt: [...request.prompt],
      ...(request.loginHint !== undefined ? { loginHint: request.loginHint } : {}),
      includeGrantedScopes: request.includeGrantedScopes,
      at: this.now(),
    });
    this.entries.length = Math.min(this.entries.length, LIMIT);
  }

  list(): LoggedAuthorization[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
