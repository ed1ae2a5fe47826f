// Google's "Access blocked" page for an authorization request that cannot be honoured, and a
// plain error page for the emulator's other HTML routes.
import { html, type SafeHtml } from "./html";
import { EMULATOR_MARK, layout } from "./layout";

export interface OAuthErrorPageOptions {
  status: number;
  /** OAuth error code, e.g. "invalid_client" or "redirect_uri_mismatch". */
  error: string;
  description: string;
  appName?: string;
}

export function oauthErrorPage({
  status,
  error,
  description,
  appName,
}: OAuthErrorPageOptions): SafeHtml {
  const heading = appName
    ? `Access blocked: ${appName}'s request is invalid`
    : "Access blocked: Authorization Error";
  return layout({
    title: `Error ${status}: ${error}`,
    body: html`<div class="card narrow">
      <div>
        <div class="brand">${EMULATOR_MARK}<span>Sign in with Google</span></div>
        <h1>${heading}</h1>
      </div>
      <div>
        <p class="error-code">Error ${status}: ${error}</p>
        <p class="lead">${description}</p>
        <p class="muted">
          The app sent an authorization request the emulator cannot accept, so you were not sent
          back to it. If you are developing this app, check its client ID, redirect URI and scopes
          against the emulator's settings.
        </p>
      </div>
    </div>`,
  });
}

export function simpleErrorPage(status: number, title: string, message: string): SafeHtml {
  return layout({
    title,
    body: html`<div class="shell">
      <div class="card">
        <div class="brand">${EMULATOR_MARK}<span>Google emulator</span></div>
        <p class="error-code">Error ${status}</p>
        <h1>${title}</h1>
        <p class="lead">${message}</p>
        <p><a href="/inbox">Go to the inbox</a></p>
      </div>
    </div>`,
  });
}
