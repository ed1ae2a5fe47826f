// One stored message: envelope, headers, text and HTML bodies, and the raw source.
import type { StoredMessage } from "../types";
import { html, type SafeHtml } from "./html";
import { formatTime } from "./inbox-page";
import { EMULATOR_MARK, layout } from "./layout";

function listenerName(message: StoredMessage): string {
  if (message.listener === "api") return "Gmail API users.messages.send (OAuth)";
  const credential = message.credential === "app-password" ? "app password" : "OAuth";
  return message.listener === "smtps"
    ? `SMTP, implicit TLS (like 465), port ${message.port} (${credential})`
    : `SMTP, STARTTLS (like 587), port ${message.port} (${credential})`;
}

export function messagePage(message: StoredMessage): SafeHtml {
  const subject = message.subject || "(no subject)";
  return layout({
    title: `${subject} – Google emulator`,
    body: html`<div class="shell">
      <div class="brand">${EMULATOR_MARK}<span>Google emulator</span></div>
      <p><a href="/inbox">← Back to the inbox</a></p>
      <div class="card">
        <h1>${subject}</h1>
        <dl class="meta">
          <dt>Account</dt>
          <dd>${message.account}</dd>
          <dt>From</dt>
          <dd>
            ${message.from}${
              message.fromRewritten
                ? html` <span class="badge warn"
                    >Gmail would rewrite this to ${message.account}: not the account or an accepted
                    alias</span
                  >`
                : ""
            }
          </dd>
          <dt>To</dt>
          <dd>${message.to}</dd>
          <dt>Envelope from</dt>
          <dd class="mono">${message.envelope.mailFrom || "<>"}</dd>
          <dt>Envelope to</dt>
          <dd class="mono">${message.envelope.rcptTo.join(", ")}</dd>
          <dt>Message-ID</dt>
          <dd class="mono">${message.messageId}</dd>
          <dt>Received</dt>
          <dd><time datetime="${message.receivedAt}">${formatTime(message.receivedAt)}</time></dd>
          <dt>Arrived by</dt>
          <dd>${listenerName(message)}</dd>
          <dt>Size</dt>
          <dd>${message.size.toLocaleString("en-US")} bytes</dd>
        </dl>

        <section class="section" aria-labelledby="headers-heading">
          <h2 id="headers-heading">Headers</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                ${message.headers.map(
                  (header) =>
                    html`<tr>
                      <td class="mono">${header.name}</td>
                      <td class="mono">${header.value}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>
        </section>

        <section class="section" aria-labelledby="text-heading">
          <h2 id="text-heading">Text body</h2>
          <pre>${message.text || "(no text part)"}</pre>
        </section>

        ${
          message.html
            ? html`<section class="section" aria-labelledby="html-heading">
                <h2 id="html-heading">HTML body</h2>
                <p class="muted">
                  Shown in a sandbox: no scripts run and nothing is loaded from the network.
                </p>
                <iframe
                  class="html-body"
                  title="HTML body of the message"
                  sandbox=""
                  srcdoc="${message.html}"
                ></iframe>
              </section>`
            : ""
        }

        <section class="section" aria-labelledby="raw-heading">
          <h2 id="raw-heading">Raw source</h2>
          <pre>${message.raw}</pre>
        </section>
      </div>
    </div>`,
  });
}
