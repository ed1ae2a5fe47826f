// The inbox: every message the SMTP side or the Gmail API accepted, newest first.
import type { StoredMessageSummary } from "../types";
import { html, type SafeHtml } from "./html";
import { EMULATOR_MARK, layout } from "./layout";

export function formatTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** How the message reached Gmail: "Gmail API", "SMTP, OAuth" or "SMTP, app password". */
export function arrivalName(message: StoredMessageSummary): string {
  if (message.via === "api") return "Gmail API";
  return message.credential === "app-password" ? "SMTP, app password" : "SMTP, OAuth";
}

function row(message: StoredMessageSummary): SafeHtml {
  const subject = message.subject || "(no subject)";
  return html`<tr>
    <td>
      ${message.from || message.envelope.mailFrom}${
        message.fromRewritten
          ? html` <span class="badge warn" title="Gmail would send this from ${message.account}"
              >rewritten</span
            >`
          : ""
      }
    </td>
    <td>${message.to || message.envelope.rcptTo.join(", ")}</td>
    <td class="subject"><a href="/inbox/${encodeURIComponent(message.id)}">${subject}</a></td>
    <td class="mono">${message.messageId}</td>
    <td>${arrivalName(message)}</td>
    <td><time datetime="${message.receivedAt}">${formatTime(message.receivedAt)}</time></td>
  </tr>`;
}

export function inboxPage(messages: StoredMessageSummary[]): SafeHtml {
  const count = `${messages.length} message${messages.length === 1 ? "" : "s"}`;
  return layout({
    title: `Inbox (${messages.length}) – Google emulator`,
    body: html`<div class="shell">
      <div class="brand">${EMULATOR_MARK}<span>Google emulator</span></div>
      <div class="toolbar">
        <h1>Inbox</h1>
        <div class="toolbar-actions">
          <a class="button outline" href="/apppasswords">App passwords</a>
          <a class="button outline" href="/inbox">Refresh</a>
          <form method="post" action="/inbox/clear">
            <button
              class="button danger"
              type="submit"
              ${messages.length === 0 ? html`disabled` : ""}
            >
              Clear
            </button>
          </form>
        </div>
      </div>
      <p class="muted">
        Messages sent through the emulator's Gmail SMTP listeners and its Gmail API. Nothing leaves
        this machine.
      </p>
      <div class="table-wrap">
        <table>
          <caption>
            ${count}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Message-ID</th>
              <th scope="col">Sent by</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            ${
              messages.length === 0
                ? html`<tr>
                    <td colspan="6" class="empty">
                      No messages yet. Send one through the emulator's SMTP listeners or Gmail API
                      and it shows up here.
                    </td>
                  </tr>`
                : messages.map(row)
            }
          </tbody>
        </table>
      </div>
    </div>`,
  });
}
