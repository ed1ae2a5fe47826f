// The OAuth clients the emulator knows, with Google's client-secret and redirect-URI checks.
import { timingSafeEqual } from "node:crypto";
import type { EmulatorClient } from "../types";

export const DEFAULT_CLIENT: EmulatorClient = {
  clientId: "mailroom-demo.apps.googleusercontent.com",
  clientSecret: "mailroom-demo-secret",
  name: "Mailroom",
};

export type ClientCheck =
  { ok: true; client: EmulatorClient } | { ok: false; reason: "not_found" | "bad_secret" };

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class ClientRegistry {
  private readonly clients = new Map<string, EmulatorClient>();

  constructor(clients: EmulatorClient[]) {
    for (const client of clients) this.clients.set(client.clientId, client);
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

/**
 * Google only redirects to a registered URI. A client without a list accepts any absolute
 * http(s) URI without a fragment, which is what local development needs.
 */
export function isAllowedRedirect(client: EmulatorClient, redirectUri: string): boolean {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (redirectUri.includes("#")) return false;
  return client.redirectUris === undefined || client.redirectUris.includes(redirectUri);
}
