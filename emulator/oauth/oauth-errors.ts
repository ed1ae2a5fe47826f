// Google's OAuth error bodies, word for word where the docs and real responses show them.
import { HttpError } from "../http/http-error";

export function oauthError(status: number, error: string, description: string): HttpError {
  return new HttpError(status, { error, error_description: description });
}

export const OAUTH_ERRORS = {
  revokedRefreshToken: () => oauthError(400, "invalid_grant", "Token has been expired or revoked."),
  badCode: () => oauthError(400, "invalid_grant", "Bad Request"),
  clientNotFound: () => oauthError(401, "invalid_client", "The OAuth client was not found."),
  badClientSecret: () => oauthError(401, "invalid_client", "Unauthorized"),
  noClientId: () =>
    oauthError(400, "invalid_request", "Could not determine client ID from request."),
  missing: (name: string) =>
    oauthError(400, "invalid_request", `Missing required parameter: ${name}`),
  unsupportedGrantType: (value: string) =>
    oauthError(400, "unsupported_grant_type", `Invalid grant_type: ${value}`),
} as const;
