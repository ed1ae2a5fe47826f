// Google's JSON error bodies for the Gmail REST API, and the bearer-token check every Gmail call
// starts with (401 for the token, 403 for its scope or another user's mailbox).
import type { EmulatorContext } from "../context";
import { HttpError } from "../http/http-error";
import type { RequestContext } from "../http/router";
import { bearerToken } from "../oauth/bearer";
import type { AccessToken } from "../oauth/token-store";
import { normalizeEmail } from "../state/accounts";

export function googleError(
  code: number,
  status: string,
  message: string,
  reason: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
): HttpError {
  const domain = extra.domain ?? "global";
  return new HttpError(
    code,
    {
      error: { code, message, errors: [{ message, domain, reason, ...extra }], status },
    },
    code === 401
      ? {
          "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
          ...headers,
        }
      : headers,
  );
}

export const UNAUTHENTICATED = () =>
  googleError(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie " +
      "or other valid authentication credential. See " +
      "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    "authError",
    { location: "Authorization", locationType: "header" },
  );

export const INSUFFICIENT_SCOPE = () =>
  googleError(
    403,
    "PERMISSION_DENIED",
    "Request had insufficient authentication scopes.",
    "insufficientPermissions",
  );

export const INVALID_ARGUMENT = (message: string) =>
  googleError(400, "INVALID_ARGUMENT", message, "invalidArgument");

/** Checks the bearer token, its scope, and that {userId} is "me" or the token's own address. */
export function authorizeGmailRequest(
  ctx: EmulatorContext,
  rc: RequestContext,
  scopes: string[],
): AccessToken {
  const value = bearerToken(rc.req, rc.url);
  const check = value ? ctx.tokens.checkAccessToken(value) : undefined;
  if (!check?.ok) throw UNAUTHENTICATED();
  if (!check.token.scopes.some((scope) => scopes.includes(scope))) throw INSUFFICIENT_SCOPE();
  const userId = rc.params.userId ?? "me";
  if (userId !== "me" && normalizeEmail(userId) !== check.token.email) {
    throw googleError(
      403,
      "PERMISSION_DENIED",
      `Delegation denied for ${check.token.email}`,
      "forbidden",
    );
  }
  return check.token;
}
