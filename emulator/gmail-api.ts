// The Gmail REST calls Mailroom uses: users.getProfile and users.settings.sendAs.list/get,
// with Google's JSON error bodies.
import type { EmulatorContext } from "./context";
import { HttpError } from "./http/http-error";
import { sendJson } from "./http/respond";
import type { RequestContext } from "./http/router";
import { bearerToken } from "./oauth/bearer";
import { PROFILE_READ_SCOPES, SEND_AS_READ_SCOPES } from "./oauth/scopes";
import type { AccessToken } from "./oauth/token-store";
import { normalizeEmail } from "./state/accounts";

function googleError(
  code: number,
  status: string,
  message: string,
  reason: string,
  extra: Record<string, string> = {},
): HttpError {
  return new HttpError(
    code,
    { error: { code, message, errors: [{ message, domain: "global", reason, ...extra }], status } },
    code === 401
      ? { "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }
      : {},
  );
}

const UNAUTHENTICATED = () =>
  googleError(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie " +
      "or other valid authentication credential. See " +
      "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    "authError",
    { location: "Authorization", locationType: "header" },
  );

const INSUFFICIENT_SCOPE = () =>
  googleError(
    403,
    "PERMISSION_DENIED",
    "Request had insufficient authentication scopes.",
    "insufficientPermissions",
  );

/** Checks the bearer token, its scope, and that {userId} is "me" or the token's own address. */
function authorize(ctx: EmulatorContext, rc: RequestContext, scopes: string[]): AccessToken {
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

export function getProfile(ctx: EmulatorContext, rc: RequestContext): void {
  const token = authorize(ctx, rc, PROFILE_READ_SCOPES);
  // Gmail files SMTP-submitted mail under Sent, so every accepted message counts.
  const messages = ctx.mailbox.list({ email: token.email }).length;
  sendJson(rc.res, 200, {
    emailAddress: token.email,
    messagesTotal: messages,
    threadsTotal: messages,
    historyId: ctx.mailbox.historyId(),
  });
}

interface SendAs {
  sendAsEmail: string;
  displayName: string;
  replyToAddress: string;
  signature: string;
  isPrimary: boolean;
  isDefault: boolean;
  treatAsAlias?: boolean;
  verificationStatus: "accepted" | "pending";
}

function sendAsList(ctx: EmulatorContext, email: string): SendAs[] {
  const account = ctx.accounts.ensure(email);
  const aliasIsDefault = account.aliases.some((alias) => alias.isDefault);
  return [
    {
      sendAsEmail: account.email,
      displayName: account.name,
      replyToAddress: "",
      signature: "",
      isPrimary: true,
      isDefault: !aliasIsDefault,
      verificationStatus: "accepted",
    },
    ...account.aliases.map((alias) => ({
      sendAsEmail: alias.sendAsEmail,
      displayName: alias.displayName,
      replyToAddress: "",
      signature: "",
      isPrimary: false,
      isDefault: alias.isDefault,
      treatAsAlias: true,
      verificationStatus: alias.verificationStatus,
    })),
  ];
}

export function listSendAs(ctx: EmulatorContext, rc: RequestContext): void {
  const token = authorize(ctx, rc, SEND_AS_READ_SCOPES);
  sendJson(rc.res, 200, { sendAs: sendAsList(ctx, token.email) });
}

export function getSendAs(ctx: EmulatorContext, rc: RequestContext): void {
  const token = authorize(ctx, rc, SEND_AS_READ_SCOPES);
  const wanted = normalizeEmail(rc.params.sendAsEmail ?? "");
  const found = sendAsList(ctx, token.email).find((s) => s.sendAsEmail === wanted);
  if (!found) throw googleError(404, "NOT_FOUND", "Requested entity was not found.", "notFound");
  sendJson(rc.res, 200, found);
}
