// POST /token: the authorization_code and refresh_token grants, with Google's error bodies.
import type { EmulatorContext } from "../context";
import { readParams } from "../http/body";
import { sendJson } from "../http/respond";
import type { RequestContext } from "../http/router";
import { clientCredentials } from "./client-auth";
import { OAUTH_ERRORS, oauthError } from "./oauth-errors";
import { verifyPkce } from "./pkce";
import { issueTokenResponse, type GoogleTokenResponse } from "./token-response";
import type { EmulatorClient } from "../types";

export async function tokenEndpoint(
  ctx: EmulatorContext,
  { req, res }: RequestContext,
): Promise<void> {
  const params = await readParams(req);
  const grantType = params.get("grant_type") ?? "";
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    throw OAUTH_ERRORS.unsupportedGrantType(grantType);
  }

  const credentials = clientCredentials(req, params);
  if (!credentials.clientId) throw OAUTH_ERRORS.noClientId();
  const check = ctx.clients.authenticate(credentials.clientId, credentials.clientSecret);
  if (!check.ok) {
    throw check.reason === "not_found"
      ? OAUTH_ERRORS.clientNotFound()
      : OAUTH_ERRORS.badClientSecret();
  }

  const body =
    grantType === "authorization_code"
      ? exchangeCode(ctx, check.client, params)
      : refresh(ctx, check.client, params);
  sendJson(res, 200, body);
}

function exchangeCode(
  ctx: EmulatorContext,
  client: EmulatorClient,
  params: URLSearchParams,
): GoogleTokenResponse {
  const value = params.get("code");
  if (!value) throw OAUTH_ERRORS.missing("code");
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) throw OAUTH_ERRORS.missing("redirect_uri");

  // Redeeming marks the code used even when a check below fails: a code is good for one try.
  const code = ctx.tokens.redeemCode(value);
  if (!code || code.clientId !== client.clientId) throw OAUTH_ERRORS.badCode();
  if (code.redirectUri !== redirectUri)
    throw oauthError(400, "redirect_uri_mismatch", "Bad Request");
  if (code.codeChallenge !== undefined) {
    const verifier = params.get("code_verifier");
    if (!verifier) throw oauthError(400, "invalid_grant", "Missing code verifier.");
    if (!verifyPkce(code.codeChallenge, code.codeChallengeMethod, verifier)) {
      throw oauthError(400, "invalid_grant", "Invalid code verifier.");
    }
  }

  const grant = ctx.tokens.createGrant(
    code.email,
    client.clientId,
    code.scopes,
    code.issueRefreshToken,
  );
  ctx.stats.count("tokenGrants", code.email);
  ctx.log(
    `oauth: code exchanged for ${code.email} (refresh token: ${code.issueRefreshToken ? "yes" : "no"})`,
  );
  return issueTokenResponse(ctx, grant, { includeRefreshToken: true, nonce: code.nonce });
}

function refresh(
  ctx: EmulatorContext,
  client: EmulatorClient,
  params: URLSearchParams,
): GoogleTokenResponse {
  const refreshToken = params.get("refresh_token");
  if (!refreshToken) throw OAUTH_ERRORS.missing("refresh_token");
  const grant = ctx.tokens.grantForRefreshToken(refreshToken);
  if (!grant) throw OAUTH_ERRORS.revokedRefreshToken();
  if (grant.clientId !== client.clientId)
    throw oauthError(400, "unauthorized_client", "Unauthorized");

  ctx.stats.count("refreshes", grant.email);
  ctx.log(`oauth: refresh for ${grant.email}`);
  // A refresh keeps the granted scope and, like Google, carries no new refresh token.
  return issueTokenResponse(ctx, grant, { includeRefreshToken: false });
}
