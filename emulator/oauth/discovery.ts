// OpenID Connect discovery and the JWKS, with Google's paths on the emulator's one origin.
import type { EmulatorContext } from "../context";
import { sendJson } from "../http/respond";
import type { RequestContext } from "../http/router";

export const OAUTH_PATHS = {
  authorization: "/o/oauth2/v2/auth",
  token: "/token",
  userinfo: "/v1/userinfo",
  jwks: "/oauth2/v3/certs",
  revocation: "/revoke",
  tokeninfo: "/tokeninfo",
} as const;

export function openidConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: issuer + OAUTH_PATHS.authorization,
    token_endpoint: issuer + OAUTH_PATHS.token,
    userinfo_endpoint: issuer + OAUTH_PATHS.userinfo,
    revocation_endpoint: issuer + OAUTH_PATHS.revocation,
    jwks_uri: issuer + OAUTH_PATHS.jwks,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "email", "profile"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    claims_supported: [
      "aud",
      "azp",
      "email",
      "email_verified",
      "exp",
      "family_name",
      "given_name",
      "hd",
      "iat",
      "iss",
      "name",
      "nonce",
      "picture",
      "sub",
      "at_hash",
    ],
    code_challenge_methods_supported: ["plain", "S256"],
    grant_types_supported: ["authorization_code", "refresh_token"],
  };
}

export function discoveryEndpoint(ctx: EmulatorContext, { res }: RequestContext): void {
  sendJson(res, 200, openidConfiguration(ctx.issuer));
}

export function jwksEndpoint(ctx: EmulatorContext, { res }: RequestContext): void {
  sendJson(res, 200, ctx.idTokens.jwks());
}
