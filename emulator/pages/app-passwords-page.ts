// The account's "App passwords" page, shaped like Google's (myaccount.google.com/apppasswords):
// 2-Step Verification on or off, the app passwords with a Revoke button each, and a form that
// creates one and shows it once. Plain forms; the only script adds a Copy button.
import type { AppPasswordInfo, CreatedAppPassword } from "../types";
import { html, trusted, type SafeHtml } from "./html";
import { formatTime } from "./inbox-page";
import { EMULATOR_MARK, layout } from "./layout";

export const APP_PASSWORDS_PATH = "/apppasswords";
export const CREATE_ACTION = APP_PASSWORDS_PATH;
export const REVOKE_ACTION = `${APP_PASSWORDS_PATH}/revoke`;
export const TWO_STEP_ACTION = `${APP_PASSWORDS_PATH}/two-step-verification`;

/** What Google answers on this page for an account without 2-Step Verification. */
export const TWO_STEP_REQUIRED =
  "The setting you are looking for is not available for your account. App passwords need " +
  "2-Step Verification: turn it on above, then create one.";

// Progressive enhancement: without script the password is plain, selectable text.
const SCRIPT = `
const button = document.getElementById("copy-password");
const password = document.getElementById("new-password");
const said = document.getElementById("copy-result");
if (button && password && said && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(password.textContent.trim()).then(
      () => { said.textContent = "Copied."; },
      () => { said.textContent = "Could not copy: select the password and copy it."; },
    );
  });
}
`;

export function appPasswordsUrl(email: string): string {
  return `${APP_PASSWORDS_PATH}?email=${encodeURIComponent(email)}`;
}

function header(): SafeHtml {
  return html`<div class="brand">${EMULATOR_MARK}<span>Google emulator</span></div>
    <p><a href="/inbox">← Back to the inbox</a></p>`;
}

function page(title: string, nonce: string, body: SafeHtml): SafeHtml {
  return layout({
    title: `${title} – Google emulator`,
    script: { nonce, source: SCRIPT },
    body: html`<div class="shell">${header()}${body}</div>`,
  });
}

export interface AccountChoicePageOptions {
  accounts: { email: string; name: string }[];
  typed?: string;
  error?: string;
  nonce: string;
}

/** Without an account: the emulator's accounts as links, and a field to type one. */
export function accountChoicePage(options: AccountChoicePageOptions): SafeHtml {
  const describedBy = ["email-hint", options.error ? "email-error" : ""].filter(Boolean).join(" ");
  return page(
    "App passwords",
    options.nonce,
    html`<div class="card">
      <h1>App passwords</h1>
      <p class="lead">Choose the account to manage app passwords for.</p>
      ${
        options.accounts.length > 0
          ? html`<h2 id="accounts-heading">Accounts in the emulator</h2>
              <ul class="accounts" role="list" aria-labelledby="accounts-heading">
                ${options.accounts.map(
                  (account) =>
                    html`<li>
                      <a class="account" href="${appPasswordsUrl(account.email)}">
                        <span class="avatar" aria-hidden="true"
                          >${(account.name.charAt(0) || account.email.charAt(0)).toUpperCase()}</span
                        >
                        <span class="account-text">
                          <span class="account-email">${account.email}</span>
                          <span class="account-name">${account.name}</span>
                        </span>
                      </a>
                    </li>`,
                )}
              </ul>`
          : ""
      }
      <form method="get" action="${APP_PASSWORDS_PATH}" novalidate>
        <div class="field">
          <label for="email">Email</label>
          <input
            type="email"
            id="email"
            name="email"
            autocomplete="email"
            spellcheck="false"
            required
            value="${options.typed ?? ""}"
            aria-describedby="${describedBy}"
            ${options.error ? trusted('aria-invalid="true"') : ""}
          />
          <p class="hint" id="email-hint">
            An account the emulator knows: one it started with, or one that signed in on its consent
            page.
          </p>
          ${options.error ? html`<p class="error" id="email-error" role="alert">${options.error}</p>` : ""}
        </div>
        <div class="actions">
          <button class="button primary" type="submit">Continue</button>
        </div>
      </form>
    </div>`,
  );
}

export interface AppPasswordsPageOptions {
  email: string;
  twoStepVerification: boolean;
  appPasswords: AppPasswordInfo[];
  /** Just created: the only time its password is shown. */
  created?: CreatedAppPassword;
  /** What the Create form holds after a refusal. */
  typedName?: string;
  /** Why the Create form was refused. */
  createError?: string;
  nonce: string;
}

function hiddenEmail(email: string): SafeHtml {
  return html`<input type="hidden" name="email" value="${email}" />`;
}

function twoStepSection(options: AppPasswordsPageOptions): SafeHtml {
  const on = options.twoStepVerification;
  return html`<section class="section" aria-labelledby="two-step-heading">
    <h2 id="two-step-heading">2-Step Verification</h2>
    <p>
      2-Step Verification is <strong>${on ? "on" : "off"}</strong> for this account.
      ${
        on
          ? "Turning it off revokes every app password, as it does at Google."
          : "Google requires it for app passwords."
      }
    </p>
    <form method="post" action="${TWO_STEP_ACTION}">
      ${hiddenEmail(options.email)}
      <input type="hidden" name="enabled" value="${on ? "off" : "on"}" />
      <button class="button outline" type="submit">
        ${on ? "Turn off 2-Step Verification" : "Turn on 2-Step Verification"}
      </button>
    </form>
  </section>`;
}

function createdBox(created: CreatedAppPassword): SafeHtml {
  return html`<div class="notice created" role="status" aria-labelledby="created-heading">
    <h2 id="created-heading">Generated app password</h2>
    <p>Your app password for <strong>${created.name}</strong></p>
    <p class="app-password"><code id="new-password">${created.password}</code></p>
    <p>
      <button class="button outline" type="button" id="copy-password" hidden>Copy</button>
      <span id="copy-result" aria-live="polite"></span>
    </p>
    <p>
      <strong>It won't be shown again.</strong> Use it where the app asks for your Google password
      (in Mailroom: the status page → How this account sends → App password). The spaces don't
      count.
    </p>
  </div>`;
}

function listSection(options: AppPasswordsPageOptions): SafeHtml {
  const count = options.appPasswords.length;
  return html`<section class="section" aria-labelledby="list-heading">
    <h2 id="list-heading">Your app passwords</h2>
    ${
      count === 0
        ? html`<p class="muted">You don't have any app passwords.</p>`
        : html`<div class="table-wrap">
            <table>
              <caption>
                ${count} app password${count === 1 ? "" : "s"}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col"><span class="visually-hidden">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${options.appPasswords.map(
                  (entry) =>
                    html`<tr>
                      <td>${entry.name}</td>
                      <td>
                        <time datetime="${entry.createdAt}">${formatTime(entry.createdAt)}</time>
                      </td>
                      <td>
                        <form method="post" action="${REVOKE_ACTION}">
                          ${hiddenEmail(options.email)}
                          <input type="hidden" name="id" value="${entry.id}" />
                          <button class="button danger" type="submit">
                            Revoke<span class="visually-hidden"> ${entry.name}</span>
                          </button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

function createSection(options: AppPasswordsPageOptions): SafeHtml {
  const error = options.createError;
  const describedBy = ["name-hint", error ? "name-error" : ""].filter(Boolean).join(" ");
  return html`<section class="section" aria-labelledby="create-heading">
    <h2 id="create-heading">Create a new app-specific password</h2>
    <form method="post" action="${CREATE_ACTION}" novalidate>
      ${hiddenEmail(options.email)}
      <div class="field">
        <label for="app-name">App name</label>
        <input
          type="text"
          id="app-name"
          name="name"
          maxlength="100"
          autocomplete="off"
          required
          value="${options.typedName ?? ""}"
          aria-describedby="${describedBy}"
          ${error ? trusted('aria-invalid="true"') : ""}
        />
        <p class="hint" id="name-hint">
          A name to recognise it by, such as "Mailroom".
          ${options.twoStepVerification ? "" : "Needs 2-Step Verification."}
        </p>
        ${error ? html`<p class="error" id="name-error" role="alert">${error}</p>` : ""}
      </div>
      <div class="actions">
        <button class="button primary" type="submit">Create</button>
      </div>
    </form>
  </section>`;
}

export function appPasswordsPage(options: AppPasswordsPageOptions): SafeHtml {
  return page(
    `App passwords for ${options.email}`,
    options.nonce,
    html`<div class="card">
      <h1>App passwords</h1>
      <p class="lead"><span class="chip">${options.email}</span></p>
      <p class="muted">
        App passwords let an app that can't sign in with Google send mail over SMTP with a 16-letter
        password instead. <a href="${APP_PASSWORDS_PATH}">Choose another account</a>
      </p>
      ${options.created ? createdBox(options.created) : ""} ${twoStepSection(options)}
      ${listSection(options)} ${createSection(options)}
    </div>`,
  );
}
