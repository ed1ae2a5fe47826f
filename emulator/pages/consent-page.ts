// The account chooser and consent screen, shaped like Google's granular-consent page.
import { appName } from "../oauth/clients";
import type { AuthorizationRequest } from "../oauth/authorization-request";
import { describeScope, isBasicScope, scopeTitle } from "../oauth/scopes";
import { html, trusted, type SafeHtml } from "./html";
import { EMULATOR_MARK, layout } from "./layout";

export const CONSENT_FORM_ACTION = "/o/oauth2/v2/consent";

export interface ConsentPageOptions {
  requestId: string;
  request: AuthorizationRequest;
  accounts: { email: string; name: string }[];
  /** The radio to check (an existing account). */
  selected?: string;
  /** What the Email field holds. */
  typed?: string;
  /** Non-basic scopes the user unchecked (kept when the page is shown again with an error). */
  unchecked?: ReadonlySet<string>;
  /**
   * Non-basic scopes the login_hint account already granted this client, which come with this
   * sign-in anyway (include_granted_scopes): listed as access the app has, with no checkbox.
   */
  alreadyGranted?: readonly string[];
  error?: string;
  nonce: string;
}

const CHECK_ICON = trusted(
  `<svg class="scope-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" ` +
    `d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm0 2c-3.3 0-8 1.7-8 5v1h16v-1c0-3.3-4.7-5-8-5Z"/></svg>`,
);

// Typing another address unchecks the listed accounts and picking an account clears the field,
// so what the page shows is what the server uses (it prefers a typed address either way).
const SCRIPT = `
const email = document.getElementById("email");
const radios = document.querySelectorAll('input[name="account"]');
if (email) email.addEventListener("input", () => { if (email.value.trim()) radios.forEach((r) => { r.checked = false; }); });
radios.forEach((r) => r.addEventListener("change", () => { if (r.checked && email) email.value = ""; }));
`;

function origin(uri: string): string {
  try {
    return new URL(uri).origin;
  } catch {
    return uri;
  }
}

function accountList(options: ConsentPageOptions): SafeHtml {
  if (options.accounts.length === 0) return html``;
  return html`<ul class="accounts" role="list">
    ${options.accounts.map((account, i) => {
      const id = `account-${i}`;
      return html`<li>
        <label class="account" for="${id}">
          <input
            type="radio"
            id="${id}"
            name="account"
            value="${account.email}"
            aria-describedby="${id}-name"
            ${options.selected === account.email ? trusted("checked") : ""}
          />
          <span class="avatar" aria-hidden="true"
            >${(account.name.charAt(0) || account.email.charAt(0)).toUpperCase()}</span
          >
          <span class="account-text">
            <span class="account-email">${account.email}</span>
            <span class="account-name" id="${id}-name" aria-hidden="true">${account.name}</span>
          </span>
        </label>
      </li>`;
    })}
  </ul>`;
}

/** The requested scopes the user decides on now (the ones already granted are listed apart). */
function scopesToDecide(options: ConsentPageOptions): string[] {
  return options.request.scopes.filter((scope) => !options.alreadyGranted?.includes(scope));
}

function scopeList(options: ConsentPageOptions): SafeHtml {
  return html`<ul class="scopes" role="list">
    ${scopesToDecide(options).map((scope, i) => {
      if (isBasicScope(scope)) {
        return html`<li>${CHECK_ICON}<span>${describeScope(scope)}</span></li>`;
      }
      const checked = !options.unchecked?.has(scope);
      const id = `scope-${i}`;
      return html`<li>
        <label for="${id}">
          <input
            type="checkbox"
            id="${id}"
            name="scope"
            value="${scope}"
            aria-labelledby="${id}-title"
            aria-describedby="${id}-description"
            ${checked ? trusted("checked") : ""}
          />
          <span class="scope-text">
            <span class="scope-title" id="${id}-title">${scopeTitle(scope)}</span>
            <span class="scope-description" id="${id}-description">${describeScope(scope)}</span>
            <span class="scope-id">${scope}</span>
          </span>
        </label>
      </li>`;
    })}
  </ul>`;
}

function grantedList(options: ConsentPageOptions, name: string): SafeHtml {
  const granted = options.alreadyGranted ?? [];
  if (granted.length === 0) return html``;
  return html`<h3 id="granted-heading">${name} already has access to</h3>
    <ul class="scopes" role="list" aria-labelledby="granted-heading">
      ${granted.map(
        (scope) =>
          html`<li>
            ${CHECK_ICON}
            <span class="scope-text">
              <span class="scope-title">${scopeTitle(scope)}</span>
              <span class="scope-description">${describeScope(scope)}</span>
              <span class="scope-id">${scope}</span>
            </span>
          </li>`,
      )}
    </ul>`;
}

export function consentPage(options: ConsentPageOptions): SafeHtml {
  const name = appName(options.request.client);
  const hasAccounts = options.accounts.length > 0;
  const describedBy = ["email-hint", options.error ? "email-error" : ""].filter(Boolean).join(" ");
  const askingGranular = scopesToDecide(options).some((scope) => !isBasicScope(scope));

  return layout({
    title: `Sign in – Google accounts – ${name}`,
    script: { nonce: options.nonce, source: SCRIPT },
    body: html`<div class="card narrow">
      <div>
        <div class="brand">${EMULATOR_MARK}<span>Sign in with Google</span></div>
        <h1>Choose an account</h1>
        <p class="lead">to continue to <strong>${name}</strong></p>
        <p class="muted">
          You will be sent back to <span class="chip">${origin(options.request.redirectUri)}</span>
        </p>
      </div>
      <div>
        <form method="post" action="${CONSENT_FORM_ACTION}" novalidate>
          <input type="hidden" name="request" value="${options.requestId}" />
          <fieldset class="plain">
            <legend><h2>Account</h2></legend>
            ${accountList(options)}
            <div class="field">
              <label for="email">Email</label>
              <input
                type="email"
                id="email"
                name="email"
                autocomplete="email"
                spellcheck="false"
                value="${options.typed ?? ""}"
                aria-describedby="${describedBy}"
                ${options.error ? trusted('aria-invalid="true"') : ""}
              />
              <p class="hint" id="email-hint">
                ${
                  hasAccounts
                    ? "Or use another account: type any address and it is created on the fly."
                    : "Type any address: the account is created on the fly."
                }
              </p>
              ${options.error ? html`<p class="error" id="email-error" role="alert">${options.error}</p>` : ""}
            </div>
          </fieldset>
          <section aria-labelledby="access-heading">
            <h2 id="access-heading">
              ${
                askingGranular
                  ? `Select what ${name} can access`
                  : `${name} wants to access your Google Account`
              }
            </h2>
            ${scopeList(options)} ${grantedList(options, name)}
          </section>
          <div class="notice">
            <strong>Make sure you trust ${name}.</strong> You may be sharing sensitive info with
            this site or app. You can always see or remove access in your Google Account.
          </div>
          <div class="actions">
            <button class="button secondary" type="submit" form="cancel-form">Cancel</button>
            <button class="button primary" type="submit" name="action" value="continue">
              Continue
            </button>
          </div>
        </form>
        <form id="cancel-form" method="post" action="${CONSENT_FORM_ACTION}">
          <input type="hidden" name="request" value="${options.requestId}" />
          <input type="hidden" name="action" value="cancel" />
        </form>
      </div>
    </div>`,
  });
}
