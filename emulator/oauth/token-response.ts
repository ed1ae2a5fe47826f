// Issues an access token (and ID token) for a grant, shaped like Google's token response.
import type { EmulatorContext } from "../context";
import { avatarUrl } from "./avatar";
import { EMAIL_SCOPE, formatScope, OPENID_SCOPE, PROFILE_SCOPE } from "./scopes";
import type { Grant } from "./token-store";

export interface GoogleTokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: "Bearer";
  id_token?: string;
}

export function issueTokenResponse(
  ctx: EmulatorContext,
  grant: Grant,
  options: { includeRefreshToken: boolean; nonce?: string },
): GoogleTokenResponse {
  const access = ctx.tokens.issueAccessToken(grant);
  const response: GoogleTokenResponse = {
    access_token: access.token,
    expires_in: Math.max(0, Math.round((access.expiresAt - ctx.now()) / 1000)),
    scope: formatScope(grant.scopes),
    token_type: "Bearer",
  };
  if (options.includeRefreshToken && grant.refreshToken)
    response.refresh_token = grant.refreshToken;

  // Google returns an ID token only when the grant includes openid, on refresh as well.
  if (grant.scopes.includes(OPENID_SCOPE)) {
    const account = ctx.accounts.ensure(grant.email);
    const withProfile = grant.scopes.includes(PROFILE_SCOPE);
    response.id_token = ctx.idTokens.sign({
      issuer: ctx.issuer,
      clientId: grant.clientId,
      sub: account.sub,
      email: grant.scopes.includes(EMAIL_SCOPE) ? account.email : undefined,
      emailVerified: account.emailVerified,
      name: withProfile ? account.name : undefined,
      picture: withProfile ? avatarUrl(ctx.issuer, account.sub) : undefined,
      hostedDomain: account.hostedDomain,
      accessToken: access.token,
      nonce: options.nonce,
      issuedAt: Math.floor(ctx.now() / 1000),
      lifetimeSeconds: 3600,
    });
  }
  return response;
}
