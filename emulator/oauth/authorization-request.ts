// Validates the query of GET /o/oauth2/v2/auth the way Google does, before any redirect happens.
import type { EmulatorClient } from "../types";
import { appName, type ClientRegistry } from "./clients";
import { parseScope } from "./scopes";

export interface AuthorizationRequest {
  client: EmulatorClient;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod: "S256" | "plain";
  accessType: "online" | "offline";
  prompt: string[];
  loginHint?: string;
  /** include_granted_scopes=true: the tokens carry every scope granted to this client before too. */
  includeGrantedScopes: boolean;
}

export interface AuthorizationError {
  status: number;
  error: string;
  description: string;
  appName?: string;
}

export type AuthorizationRequestResult =
  { ok: true; request: AuthorizationRequest } | { ok: false; failure: AuthorizationError };

const PROMPTS = new Set(["none", "consent", "select_account"]);
// RFC 7636: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

function fail(status: number, error: string, description: string, name?: string) {
  return { ok: false as const, failure: { status, error, description, appName: name } };
}

export function parseAuthorizationRequest(
  query: URLSearchParams,
  clients: ClientRegistry,
): AuthorizationRequestResult {
  const param = (name: string): string | undefined => query.get(name) ?? undefined;

  // Client and redirect URI first: until both are known good, nothing may redirect.
  const clientId = param("client_id");
  if (!clientId) return fail(400, "invalid_request", "Missing required parameter: client_id");
  const client = clients.get(clientId);
  if (!client) return fail(401, "invalid_client", "The OAuth client was not found.");
  const name = appName(client);

  const redirectUri = param("redirect_uri");
  if (!redirectUri)
    return fail(400, "invalid_request", "Missing required parameter: redirect_uri", name);
  if (!clients.allowsRedirect(client.clientId, redirectUri)) {
    return fail(
      400,
      "redirect_uri_mismatch",
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. ` +
        "If you're the app developer, register the redirect URI with the emulator (--redirect-uri, " +
        "the redirectUris option or POST /control/redirect-uris). " +
        `Request details: redirect_uri=${redirectUri}`,
      name,
    );
  }

  const responseType = param("response_type");
  if (!responseType) {
    return fail(400, "invalid_request", "Required parameter is missing: response_type", name);
  }
  if (responseType !== "code") {
    return fail(
      400,
      "unsupported_response_type",
      `The emulator supports only the authorization code flow. Invalid response_type: ${responseType}`,
      name,
    );
  }

  const scopeParam = param("scope");
  if (!scopeParam?.trim())
    return fail(400, "invalid_request", "Missing required parameter: scope", name);
  const { scopes, unknown } = parseScope(scopeParam);
  if (unknown.length > 0) {
    return fail(
      400,
      "invalid_scope",
      `Some requested scopes were invalid. {invalid=[${unknown.join(", ")}]}`,
      name,
    );
  }

  const codeChallenge = param("code_challenge");
  const method = param("code_challenge_method") ?? "plain";
  if (method !== "S256" && method !== "plain") {
    return fail(400, "invalid_request", `Invalid code_challenge_method value: ${method}`, name);
  }
  if (codeChallenge !== undefined && !PKCE_VALUE.test(codeChallenge)) {
    return fail(400, "invalid_request", "Invalid code_challenge value.", name);
  }

  const accessType = param("access_type") ?? "online";
  if (accessType !== "online" && accessType !== "offline") {
    return fail(400, "invalid_request", `Invalid access_type: ${accessType}`, name);
  }

  const prompt = (param("prompt") ?? "").split(/\s+/).filter(Boolean);
  const badPrompt = prompt.find((p) => !PROMPTS.has(p));
  if (badPrompt !== undefined)
    return fail(400, "invalid_request", `Invalid prompt: ${badPrompt}`, name);
  if (prompt.includes("none") && prompt.length > 1) {
    return fail(400, "invalid_request", "prompt=none cannot be combined with other values", name);
  }

  const includeGrantedScopes = param("include_granted_scopes") ?? "false";
  if (includeGrantedScopes !== "true" && includeGrantedScopes !== "false") {
    return fail(
      400,
      "invalid_request",
      `Invalid include_granted_scopes: ${includeGrantedScopes}`,
      name,
    );
  }

  return {
    ok: true,
    request: {
      client,
      redirectUri,
      scopes,
      state: param("state"),
      nonce: param("nonce"),
      codeChallenge,
      codeChallengeMethod: method,
      accessType,
      prompt,
      loginHint: param("login_hint"),
      includeGrantedScopes: includeGrantedScopes === "true",
    },
  };
}

/** The client's redirect URI with the response parameters added (its own query kept). */
export function redirectWith(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}
