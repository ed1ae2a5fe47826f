// POST /revoke (token= a refresh or access token): removes the app's access, like Google.
import type { EmulatorContext } from "../context";
import { readParams } from "../http/body";
import { HttpError } from "../http/http-error";
import { sendJson } from "../http/respond";
import type { RequestContext } from "../http/router";

export async function revokeEndpoint(
  ctx: EmulatorContext,
  { req, res, url }: RequestContext,
): Promise<void> {
  const params = await readParams(req);
  const token = params.get("token") ?? url.searchParams.get("token");
  if (!token || !ctx.tokens.revokeToken(token)) {
    throw new HttpError(400, {
      error: "invalid_token",
      error_description: "Token expired or revoked",
    });
  }
  ctx.log("oauth: token revoked");
  sendJson(res, 200, {});
}
