// Authorization requests waiting on the consent page. The form posts back only an id, so the
// validated request (client, redirect URI, scopes, PKCE) cannot be altered in the browser.
import { randomBytes } from "node:crypto";
import type { AuthorizationRequest } from "./authorization-request";

const TTL_MS = 60 * 60 * 1000;
const MAX_PENDING = 1000;

interface Pending {
  request: AuthorizationRequest;
  expiresAt: number;
}

export class PendingAuthorizations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly now: () => number) {}

  add(request: AuthorizationRequest): string {
    this.prune();
    const id = randomBytes(18).toString("base64url");
    this.pending.set(id, { request, expiresAt: this.now() + TTL_MS });
    return id;
  }

  get(id: string): AuthorizationRequest | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.pending.delete(id);
      return undefined;
    }
    return entry.request;
  }

  delete(id: string): void {
    this.pending.delete(id);
  }

  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.pending) if (now >= entry.expiresAt) this.pending.delete(id);
    // A page reloaded in a loop must not grow memory without bound: drop the oldest.
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
  }
}
