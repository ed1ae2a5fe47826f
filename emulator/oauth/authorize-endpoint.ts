// GET /o/oauth2/v2/auth shows the consent page; POST /o/oauth2/v2/consent answers it with a
// redirect carrying a code (Continue) or error=access_denied (Cancel).
import { randomBytes } from "node:crypto";
import type { EmulatorContext } from "../context";
import { readParams } from "../http/body";
import { refuseCrossSite } from "../http/request-guards";
import { redirect, sendHtml } from "../http/respond";
import type { RequestContext } from "../http/router";
import { consentPage } from "../pages/consent-page";
import { oauthErrorPage, simpleErrorPage } from "../pages/error-page";
import { normalizeEmail } from "../state/accounts";
import {
  parseAuthorizationRequest,
  redirectWith,
  type AuthorizationRequest,
} from "./authorization-request";
import { formatScope, isBasicScope } from "./scopes";

// Deliberately loose, like Google's own field: one @, something on each side, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function nonce(): string {
  return randomBytes(16).toString("base64");
}

function accountsForPage(ctx: EmulatorContext): { email: string; name: string }[] {
  return ctx.accounts.list().map(({ email, name }) => ({ email, name }));
}

/**
 * With include_granted_scopes, what the login_hint account already granted this client: it is
 * in the tokens whatever the user checks now, so the page lists it without a checkbox. Without
 * it, every requested scope is asked for again (the user may decline it for this token).
 * Sign-in scopes are left out: they come with any sign-in.
 */
function alreadyGranted(ctx: EmulatorContext, request: AuthorizationRequest): string[] {
  if (!request.includeGrantedScopes || request.loginHint === undefined) return [];
  return ctx.tokens
    .grantedScopes(request.loginHint, request.client.clientId)
    .filter((scope) => !isBasicScope(scope));
}

export function showAuthorization(ctx: EmulatorContext, { res, url }: RequestContext): void {
  const parsed = parseAuthorizationRequest(url.searchParams, ctx.clients);
  if (!parsed.ok) {
    sendHtml(res, parsed.failure.status, oauthErrorPage(parsed.failure));
    return;
  }
  const { request } = parsed;
  ctx.authorizations.record(request);

  // There is no signed-in browser session to reuse, so silent authorization always needs the user.
  if (request.prompt.includes("none")) {
    redirect(
      res,
      redirectWith(request.redirectUri, { error: "interaction_required", state: request.state }),
    );
    return;
  }

  const hint = request.loginHint ? normalizeEmail(request.loginHint) : undefined;
  const accounts = accountsForPage(ctx);
  const hinted = hint !== undefined && accounts.some((a) => a.email === hint);
  const requestId = ctx.pendingAuthorizations.add(request);
  const scriptNonce = nonce();
  sendHtml(
    res,
    200,
    consentPage({
      requestId,
      request,
      accounts,
      selected: hinted ? hint : accounts[0]?.email,
      typed: hint !== undefined && !hinted ? hint : undefined,
      alreadyGranted: alreadyGranted(ctx, request),
      nonce: scriptNonce,
    }),
    scriptNonce,
  );
}

export async function submitConsent(
  ctx: EmulatorContext,
  { req, res }: RequestContext,
): Promise<void> {
  // The consent form posts from the emulator's own page; another site's page has no business here.
  refuseCrossSite(req, ctx.hosts);
  const form = await readParams(req);
  const requestId = form.get("request") ?? "";
  const request = ctx.pendingAuthorizations.get(requestId);
  if (!request) {
    sendHtml(
      res,
      400,
      simpleErrorPage(
        400,
        "This sign-in request has expired",
        "It was already used or is more than an hour old. Go back to the app and sign in again.",
      ),
    );
    return;
  }

  if (form.get("action") === "cancel") {
    ctx.pendingAuthorizations.delete(requestId);
    redirect(
      res,
      redirectWith(request.redirectUri, { error: "access_denied", state: request.state }),
    );
    return;
  }

  const typed = (form.get("email") ?? "").trim();
  const chosen = typed || (form.get("account") ?? "").trim();
  // A scope the page listed as already granted had no checkbox: it stays granted.
  const already = alreadyGranted(ctx, request);
  const granted = request.scopes.filter(
    (scope) =>
      isBasicScope(scope) || already.includes(scope) || form.getAll("scope").includes(scope),
  );
  const error = !chosen
    ? "Choose an account or enter an email address."
    : !EMAIL.test(chosen)
      ? "Enter a valid email address, like name@example.com."
      : undefined;
  if (error) {
    const scriptNonce = nonce();
    const unchecked = new Set(
      request.scopes.filter((s) => !isBasicScope(s) && !granted.includes(s)),
    );
    sendHtml(
      res,
      400,
      consentPage({
        requestId,
        request,
        accounts: accountsForPage(ctx),
        typed,
        unchecked,
        alreadyGranted: already,
        error,
        nonce: scriptNonce,
      }),
      scriptNonce,
    );
    return;
  }

  ctx.pendingAuthorizations.delete(requestId);
  const account = ctx.accounts.ensure(chosen);
  redirect(res, authorizationRedirect(ctx, request, account.email, granted, account.hostedDomain));
}

function authorizationRedirect(
  ctx: EmulatorContext,
  request: AuthorizationRequest,
  email: string,
  granted: string[],
  hostedDomain: string | undefined,
): string {
  const clientId = request.client.clientId;
  // Google remembers every grant; with include_granted_scopes the tokens carry all of them.
  const everything = ctx.tokens.recordConsent(email, clientId, granted);
  const scopes = request.includeGrantedScopes ? everything : granted;
  // Google sends a refresh token for offline access on the first consent of this account to
  // this client, and again only when prompt=consent asks for the consent screen.
  const issueRefreshToken =
    request.accessType === "offline" &&
    (request.prompt.includes("consent") || !ctx.tokens.hasOfflineConsent(email, clientId));
  const code = ctx.tokens.createCode({
    email,
    clientId,
    redirectUri: request.redirectUri,
    scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    issueRefreshToken,
  });
  return redirectWith(request.redirectUri, {
    state: request.state,
    code: code.code,
    scope: formatScope(scopes),
    authuser: "0",
    hd: hostedDomain,
    prompt: request.prompt.includes("consent") ? "consent" : "none",
  });
}
