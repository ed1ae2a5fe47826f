// GET or POST /tokeninfo (access_token=…): what Google says about an access token. Like Google,
// the numbers and the boolean come back as strings.
import type { EmulatorContext } from "../context";
import { readParams } from "../http/body";
import { HttpError } from "../http/http-error";
import { sendJson } from "../http/respond";
import type { RequestContext } from "../http/router";
import { bearerToken } from "./bearer";
import { EMAIL_SCOPE, formatScope } from "./scopes";

export async function tokeninfoEndpoint(
  ctx: EmulatorContext,
  { req, res, url }: RequestContext,
): Promise<void> {
  const form = req.method === "POST" ? await readParams(req) : undefined;
  const token = form?.get("access_token") ?? bearerToken(req, url);
  const check = token ? ctx.tokens.checkAccessToken(token) : undefined;
  if (!check?.ok) {
    throw new HttpError(400, { error: "invalid_token", error_description: "Invalid Value" });
  }
  const { token: info } = check;
  const account = ctx.accounts.ensure(info.email);
  const body: Record<string, string> = {
    azp: info.clientId,
    aud: info.clientId,
    sub: account.sub,
    scope: formatScope(info.scopes),
    exp: String(Math.floor(info.expiresAt / 1000)),
    expires_in: String(Math.max(0, Math.floor((info.expiresAt - ctx.now()) / 1000))),
  };
  if (info.scopes.includes(EMAIL_SCOPE)) {
    body.email = account.email;
    body.email_verified = String(account.emailVerified);
  }
  body.access_type = info.offline ? "offline" : "online";
  sendJson(res, 200, body);
}
