// Google's OAuth endpoints, read from the issuer's discovery document (cached per issuer).
import { z } from "zod";
import { AppError } from "../errors/app-error";

export const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  userinfo_endpoint: z.url().optional(),
  jwks_uri: z.url(),
  revocation_endpoint: z.url().optional(),
});

export type Discovery = z.infer<typeof discoverySchema>;

const cache = new Map<string, Promise<Discovery>>();

export function discover(issuer: string): Promise<Discovery> {
  let pending = cache.get(issuer);
  if (!pending) {
    pending = fetchDiscovery(issuer);
    cache.set(issuer, pending);
    // A failed lookup is not cached: the next caller tries again.
    pending.catch(() => cache.delete(issuer));
  }
  return pending;
}

/** Where the issuer publishes its discovery document (OpenID Connect Discovery 1.0). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

async function fetchDiscovery(issuer: string): Promise<Discovery> {
  const url = discoveryUrl(issuer);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new AppError("google_unavailable", `Could not reach ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    throw new AppError("google_unavailable", `${url} answered HTTP ${response.status}`);
  }
  return discoverySchema.parse(await response.json());
}
