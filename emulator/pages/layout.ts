// The HTML shell shared by the emulator's pages: inline CSS for light and dark, no external assets.
import { html, trusted, type SafeHtml } from "./html";

const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f0f4f9; --surface: #ffffff; --surface-2: #f8fafd; --text: #1f1f1f; --muted: #444746;
  --border: #c4c7c5; --accent: #0b57d0; --accent-hover: #0842a0; --on-accent: #ffffff;
  --accent-soft: #d3e3fd; --focus: #0b57d0; --danger: #b3261e; --danger-soft: #fce8e6;
  --warn-soft: #fef7e0; --warn-text: #7a5b00; --code-bg: #f1f3f4;
  --radius: 28px; --font: "Google Sans", Roboto, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #131314; --surface: #1e1f20; --surface-2: #282a2c; --text: #e3e3e3; --muted: #c4c7c5;
    --border: #444746; --accent: #a8c7fa; --accent-hover: #d3e3fd; --on-accent: #062e6f;
    --accent-soft: #0842a0; --focus: #a8c7fa; --danger: #f2b8b5; --danger-soft: #601410;
    --warn-soft: #3d3000; --warn-text: #f6e3a1; --code-bg: #282a2c;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; min-height: 100vh; font: 16px/1.5 var(--font); color: var(--text); background: var(--bg); }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { color: var(--accent-hover); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 6px; }
.skip { position: absolute; left: -9999px; top: 8px; background: var(--surface); padding: 8px 12px; border-radius: 8px; }
.skip:focus { left: 8px; }
.env-banner { display: flex; gap: 8px; align-items: center; justify-content: center; padding: 6px 16px;
  font-size: 13px; background: var(--warn-soft); color: var(--warn-text); text-align: center; }
main { padding: 32px 16px 48px; }
.shell { max-width: 1040px; margin: 0 auto; }
.card { background: var(--surface); border-radius: var(--radius); padding: 36px 40px; }
.card.narrow { max-width: 1040px; margin: 0 auto; display: grid; grid-template-columns: 1fr 1fr; gap: 24px 48px; }
@media (max-width: 840px) { .card.narrow { grid-template-columns: 1fr; padding: 28px 24px; } }
.brand { display: flex; align-items: center; gap: 10px; font-size: 15px; color: var(--muted); margin-bottom: 20px; }
.brand svg { flex: none; }
h1 { font-size: 36px; line-height: 1.2; font-weight: 400; margin: 0 0 12px; letter-spacing: -0.01em; }
h2 { font-size: 18px; font-weight: 500; margin: 28px 0 12px; }
h2:first-child { margin-top: 0; }
h3 { font-size: 15px; font-weight: 500; margin: 20px 0 4px; }
p { margin: 0 0 12px; }
.lead { font-size: 16px; color: var(--text); }
.muted { color: var(--muted); font-size: 14px; }
.chip { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--border); border-radius: 999px;
  padding: 2px 10px; font-size: 14px; color: var(--text); background: var(--surface); }
fieldset.plain { border: 0; margin: 0; padding: 0; min-width: 0; }
fieldset.plain legend { padding: 0; }
.accounts { list-style: none; margin: 0; padding: 0; border-top: 1px solid var(--border); }
.accounts li { border-bottom: 1px solid var(--border); }
.account { display: flex; align-items: center; gap: 14px; padding: 12px 8px; cursor: pointer; border-radius: 8px; }
.account:hover { background: var(--surface-2); }
.account input { width: 18px; height: 18px; accent-color: var(--accent); flex: none; margin: 0; }
.avatar { width: 32px; height: 32px; border-radius: 50%; display: grid; place-items: center; flex: none;
  background: var(--accent-soft); color: var(--text); font-weight: 500; font-size: 15px; }
a.account { color: inherit; text-decoration: none; }
.account-text { display: flex; flex-direction: column; min-width: 0; }
.account-email { overflow-wrap: anywhere; }
.account-name { font-size: 14px; color: var(--muted); }
.field { margin: 16px 0 0; }
.field label { display: block; font-size: 14px; font-weight: 500; margin-bottom: 6px; }
.field input[type=email], .field input[type=text] { width: 100%; font: inherit; padding: 13px 15px; border-radius: 4px;
  border: 1px solid var(--border); background: var(--surface); color: var(--text); }
.field input:focus { outline: 2px solid var(--focus); outline-offset: 0; border-color: var(--focus); }
.field input[aria-invalid=true] { border-color: var(--danger); }
.hint { font-size: 13px; color: var(--muted); margin-top: 6px; }
.error { color: var(--danger); font-size: 14px; margin-top: 6px; display: flex; gap: 6px; align-items: flex-start; }
.scopes { list-style: none; margin: 0; padding: 0; }
.scopes li { display: flex; gap: 14px; align-items: flex-start; padding: 12px 0; border-bottom: 1px solid var(--border); }
.scopes li:last-child { border-bottom: 0; }
.scope-icon { width: 24px; height: 24px; flex: none; color: var(--muted); }
.scopes label { display: flex; gap: 14px; align-items: flex-start; cursor: pointer; width: 100%; }
.scopes input[type=checkbox] { width: 18px; height: 18px; margin: 3px 0 0; accent-color: var(--accent); flex: none; }
.scope-text { display: flex; flex-direction: column; gap: 2px; }
.scope-title { font-weight: 500; }
.scope-description { font-size: 14px; color: var(--muted); }
.scope-id { display: block; font: 12px/1.4 var(--mono); color: var(--muted); overflow-wrap: anywhere; }
.notice { background: var(--surface-2); border-radius: 12px; padding: 14px 16px; font-size: 14px; color: var(--muted); margin-top: 20px; }
.notice strong { color: var(--text); font-weight: 500; }
.notice.created { border: 2px solid var(--accent); color: var(--text); margin-bottom: 8px; }
.app-password code { display: inline-block; font: 24px/1.4 var(--mono); letter-spacing: .04em; color: var(--text);
  background: var(--code-bg); padding: 8px 16px; border-radius: 8px; user-select: all; }
.actions { display: flex; justify-content: flex-end; gap: 12px; margin-top: 28px; flex-wrap: wrap; }
.button { font: inherit; font-size: 14px; font-weight: 500; border-radius: 999px; padding: 10px 24px; cursor: pointer;
  border: 1px solid transparent; min-height: 40px; display: inline-flex; align-items: center; text-decoration: none; }
.button:disabled { opacity: .5; cursor: not-allowed; }
.button.primary { background: var(--accent); color: var(--on-accent); }
.button.primary:hover { background: var(--accent-hover); }
.button.secondary { background: transparent; color: var(--accent); }
.button.secondary:hover { background: var(--surface-2); }
.button.outline { background: transparent; color: var(--accent); border-color: var(--border); }
.button.danger { background: transparent; color: var(--danger); border-color: var(--border); }
.toolbar { display: flex; align-items: center; justify-content: space-between; gap: 16px; flex-wrap: wrap; margin-bottom: 20px; }
.toolbar h1 { margin: 0; }
.toolbar-actions { display: flex; gap: 12px; align-items: center; }
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: 16px; background: var(--surface); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; padding: 14px 16px; color: var(--muted); font-size: 14px; }
th, td { text-align: left; padding: 10px 16px; border-top: 1px solid var(--border); vertical-align: top; }
thead th { font-weight: 500; color: var(--muted); background: var(--surface-2); white-space: nowrap; }
tbody tr:hover { background: var(--surface-2); }
td.mono, .mono { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
td.subject a { font-weight: 500; }
.empty { padding: 48px 16px; text-align: center; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 8px 20px; margin: 0; font-size: 14px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
pre { font: 12.5px/1.5 var(--mono); background: var(--code-bg); padding: 16px; border-radius: 12px; overflow: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; max-height: 480px; }
/* Email HTML is written for a light page; without this a dark parent makes its text white on white. */
iframe.html-body { width: 100%; min-height: 320px; border: 1px solid var(--border); border-radius: 12px; background: #fff; color-scheme: light; }
.section { margin-top: 28px; }
.badge { display: inline-block; font-size: 12px; border-radius: 999px; padding: 1px 8px; background: var(--accent-soft); color: var(--text); }
.badge.warn { background: var(--warn-soft); color: var(--warn-text); }
.error-code { font-family: var(--mono); font-size: 14px; color: var(--danger); background: var(--danger-soft);
  display: inline-block; padding: 2px 10px; border-radius: 6px; margin-bottom: 12px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
@media (prefers-reduced-motion: no-preference) { .button, .account { transition: background-color .15s ease; } }
`;

/** A neutral four-colour mark: this is an emulator, so it does not use Google's logo. */
export const EMULATOR_MARK = trusted(
  `<svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true" focusable="false">` +
    `<circle cx="9" cy="9" r="6" fill="#4285f4"/><circle cx="19" cy="9" r="6" fill="#ea4335"/>` +
    `<circle cx="9" cy="19" r="6" fill="#34a853"/><circle cx="19" cy="19" r="6" fill="#fbbc04"/></svg>`,
);

// The mark as a data: URL, so browsers do not ask the emulator for /favicon.ico.
const FAVICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28">` +
      `<circle cx="9" cy="9" r="6" fill="#4285f4"/><circle cx="19" cy="9" r="6" fill="#ea4335"/>` +
      `<circle cx="9" cy="19" r="6" fill="#34a853"/><circle cx="19" cy="19" r="6" fill="#fbbc04"/></svg>`,
  );

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Inline script, allowed by the page's CSP through this nonce. */
  script?: { nonce: string; source: string };
}

export function layout({ title, body, script }: LayoutOptions): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        <link rel="icon" href="${FAVICON}" />
        <title>${title}</title>
        <style>
          ${trusted(STYLES)}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <div class="env-banner" role="note">
          Local Google emulator — no real Google account or network is involved.
        </div>
        <main id="main">${body}</main>
        ${
          script
            ? html`<script nonce="${script.nonce}">
                ${trusted(script.source)};
              </script>`
            : ""
        }
      </body>
    </html> `;
}
