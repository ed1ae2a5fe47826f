// The OAuth clients the emulator knows, with Google's client-secret and redirect-URI checks.
import { timingSafeEqual } from "node:crypto";
import type { EmulatorClient } from "../types";

/** Where Mailroom's sign-in comes back to when it runs on its default port. */
export const DEFAULT_REDIRECT_URI = "http://localhost:3000/api/auth/callback/google";

export const DEFAULT_CLIENT: EmulatorClient = {
  clientId: "mailroom-demo.apps.googleusercontent.com",
  clientSecret: "mailroom-demo-secret",
  name: "Mailroom",
  redirectUris: [DEFAULT_REDIRECT_URI],
};

export type ClientCheck =
  { ok: true; client: EmulatorClient } | { ok: false; reason: "not_found" | "bad_secret" };

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Google registers only absolute http(s) URIs without a fragment; so does the emulator. */
export function checkRedirectUri(redirectUri: string): void {
  let url: URL | undefined;
  try {
    url = new URL(redirectUri);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    redirectUri.includes("#")
  ) {
    throw new Error(
      `Invalid redirect URI "${redirectUri}": it must be an absolute http(s) URI without a fragment.`,
    );
  }
}

export class ClientRegistry {
  private readonly clients = new Map<string, EmulatorClient>();
  private readonly redirectUris = new Map<string, Set<string>>();

  /** `sharedRedirectUris` are registered for every client, beside each client's own. */
  constructor(clients: EmulatorClient[], sharedRedirectUris: string[] = []) {
    for (const client of clients) {
      const uris = [...(client.redirectUris ?? []), ...sharedRedirectUris];
      uris.forEach(checkRedirectUri);
      this.clients.set(client.clientId, client);
      this.redirectUris.set(client.clientId, new Set(uris));
    }
  }

  /** Registers a redirect URI for one client, or for every client when none is named. */
  registerRedirectUri(redirectUri: string, clientId?: string): void {
    checkRedirectUri(redirectUri);
    if (clientId !== undefined && !this.clients.has(clientId)) {
      throw new Error(`Unknown OAuth client: ${clientId}`);
    }
    for (const [id, uris] of this.redirectUris) {
      if (clientId === undefined || id === clientId) uris.add(redirectUri);
    }
  }

  /** Google redirects only to a URI registered for the client, compared exactly. */
  allowsRedirect(clientId: string, redirectUri: string): boolean {
    return this.redirectUris.get(clientId)?.has(redirectUri) ?? false;
  }

  registeredRedirectUris(clientId: string): string[] {
    return [...(this.redirectUris.get(clientId) ?? [])];
  }

  get(clientId: string): EmulatorClient | undefined {
    return this.clients.get(clientId);
  }

  first(): EmulatorClient | undefined {
    return this.clients.values().next().value;
  }

  authenticate(clientId: string, clientSecret: string | undefined): ClientCheck {
    const client = this.clients.get(clientId);
    if (!client) return { ok: false, reason: "not_found" };
    if (clientSecret === undefined || !sameSecret(clientSecret, client.clientSecret)) {
      return { ok: false, reason: "bad_secret" };
    }
    return { ok: true, client };
  }
}

export function appName(client: EmulatorClient): string {
  return client.name ?? client.clientId;
}
