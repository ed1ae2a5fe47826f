// GET /v1/userinfo: the OpenID Connect profile of the token's account, claims as the scopes allow.
import type { EmulatorContext } from "../context";
import { HttpError } from "../http/http-error";
import { sendJson } from "../http/respond";
import type { RequestContext } from "../http/router";
import { avatarUrl } from "./avatar";
import { bearerToken } from "./bearer";
import { EMAIL_SCOPE, PROFILE_SCOPE } from "./scopes";

export function userinfoEndpoint(ctx: EmulatorContext, { req, res, url }: RequestContext): void {
  const token = bearerToken(req, url);
  const check = token ? ctx.tokens.checkAccessToken(token) : undefined;
  if (!check?.ok) {
    throw new HttpError(
      401,
      { error: "invalid_request", error_description: "Invalid Credentials" },
      { "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    );
  }
  const account = ctx.accounts.ensure(check.token.email);
  const body: Record<string, unknown> = { sub: account.sub };
  if (check.token.scopes.includes(PROFILE_SCOPE)) {
    const [given, ...family] = account.name.split(" ");
    body.name = account.name;
    body.given_name = given;
    if (family.length > 0) body.family_name = family.join(" ");
    body.picture = avatarUrl(ctx.issuer, account.sub);
  }
  if (check.token.scopes.includes(EMAIL_SCOPE)) {
    body.email = account.email;
    body.email_verified = account.emailVerified;
  }
  if (account.hostedDomain) body.hd = account.hostedDomain;
  sendJson(res, 200, body);
}
