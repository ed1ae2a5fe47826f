// The status page's pieces render what a user (and an end-to-end test) relies on: one row per
// step with its state, the explanation and fix of a failure, an accessible usage bar, the
// reconnect call to action, and every Gmail reply in the reference.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ConnectionTestResults } from "../../app/(dashboard)/status/connection-test-results";
import { GmailRepliesReference } from "../../app/(dashboard)/status/gmail-replies-reference";
import { ReconnectAlert } from "../../app/(dashboard)/status/reconnect-alert";
import { UsageCard } from "../../app/(dashboard)/status/usage-card";
import type { ConnectionTestResult } from "../../lib/diagnostics/types";
import { GMAIL_REPLIES } from "../../lib/mail/gmail-replies";

const now = new Date("2026-11-28T12:00:00Z");

const failedAtAuth: ConnectionTestResult = {
  ok: false,
  email: "ada@example.com",
  way: "smtp_oauth",
  host: "smtp.gmail.com",
  port: 465,
  secure: true,
  startedAt: now.toISOString(),
  durationMs: 240,
  steps: [
    { step: "dns", ok: true, skipped: false, durationMs: 3, detail: "resolves to 142.250.1.108." },
    { step: "tcp", ok: true, skipped: false, durationMs: 20, detail: "Connected." },
    {
      step: "tls",
      ok: true,
      skipped: false,
      durationMs: 40,
      detail: "TLSv1.3 to a verified certificate for smtp.gmail.com",
      certificate: {
        subject: "smtp.gmail.com",
        altNames: "DNS:smtp.gmail.com",
        issuer: "WR2 (Google Trust Services)",
        validFrom: "2026-10-01T00:00:00.000Z",
        validTo: "2026-12-24T00:00:00.000Z",
        verified: true,
        protocol: "TLSv1.3",
        cipher: "TLS_AES_256_GCM_SHA384",
      },
    },
    {
      step: "auth",
      ok: false,
      skipped: false,
      durationMs: 170,
      detail: "Gmail refused the sign-in.",
      reply: "535-5.7.8 Username and Password not accepted.",
      explanation: {
        title: "Reconnect the Google account",
        meaning: "M.",
        fix: "F.",
        replyId: "5.7.8",
      },
    },
  ],
};

describe("ConnectionTestResults", () => {
  it("renders one row per step with its state, and the failure's explanation and fix", () => {
    const html = renderToStaticMarkup(
      createElement(ConnectionTestResults, { result: failedAtAuth }),
    );
    expect(html).toContain('data-testid="diag-step-dns" data-ok="true"');
    expect(html).toContain('data-testid="diag-step-tls" data-ok="true"');
    expect(html).toContain('data-testid="diag-step-auth" data-ok="false"');
    expect(html).toContain("Failed at XOAUTH2 sign-in");
    expect(html).toContain("535-5.7.8 Username and Password not accepted.");
    expect(html).toContain("Reconnect the Google account");
    expect(html).toContain("How to fix: </span>F.");
    expect(html).toContain('href="#reply-5.7.8"');
    expect(html).toContain("WR2 (Google Trust Services)");
    expect(html).toContain("170 ms");
  });

  it("marks skipped steps as skipped", () => {
    const result: ConnectionTestResult = {
      ...failedAtAuth,
      steps: [
        { ...failedAtAuth.steps[0]!, ok: false, detail: "not found" },
        { step: "tcp", ok: false, skipped: true, durationMs: 0, detail: "Not run." },
        { step: "tls", ok: false, skipped: true, durationMs: 0, detail: "Not run." },
        { step: "auth", ok: false, skipped: true, durationMs: 0, detail: "Not run." },
      ],
    };
    const html = renderToStaticMarkup(createElement(ConnectionTestResults, { result }));
    expect(html).toContain('data-testid="diag-step-dns" data-ok="false"');
    expect(html.match(/data-ok="skipped"/g)).toHaveLength(3);
    expect(html).toContain("Failed at DNS lookup");
  });
});

describe("ConnectionTestResults for the account's way of sending", () => {
  it("names the sign-in after the app password", () => {
    const html = renderToStaticMarkup(
      createElement(ConnectionTestResults, { result: { ...failedAtAuth, way: "app_password" } }),
    );
    expect(html).toContain("Failed at App password sign-in");
    expect(html).not.toContain("XOAUTH2");
  });

  it("says a Gmail API account was tested against the API over HTTPS, with its token check", () => {
    const result: ConnectionTestResult = {
      ...failedAtAuth,
      ok: true,
      way: "gmail_api",
      host: "gmail.googleapis.com",
      port: 443,
      steps: failedAtAuth.steps.map((s) =>
        s.step === "auth"
          ? {
              step: "auth",
              ok: true,
              skipped: false,
              durationMs: 90,
              detail: "Carries gmail.send.",
            }
          : s,
      ),
    };
    const html = renderToStaticMarkup(createElement(ConnectionTestResults, { result }));
    expect(html).toContain(
      "All steps passed: ada@example.com can send through the Gmail API at gmail.googleapis.com:443.",
    );
    expect(html).toContain("(HTTPS, 240 ms)");
    expect(html).toContain("Access token and gmail.send");
    expect(html).not.toContain("implicit TLS");
  });
});

describe("UsageCard", () => {
  it("shows usage as an accessible progress bar", () => {
    const html = renderToStaticMarkup(
      createElement(UsageCard, {
        usage: { sentLast24h: 120, dailyLimit: 2000, remaining: 1880, nextSlotAt: null },
        counts: { queued: 2, sending: 0, sent: 300, deferred: 1, failed: 4, canceled: 0 },
        kind: "workspace",
        now,
      }),
    );
    expect(html).toMatch(
      /role="progressbar"[^>]*aria-valuemin="0"[^>]*aria-valuemax="2000"[^>]*aria-valuenow="120"/,
    );
    expect(html).toContain("1,880 messages left");
    expect(html).toContain("Messages sent in the last 24 hours");
    // The fill is sized by an SVG attribute: the Content-Security-Policy allows no inline styles.
    expect(html).toContain('width="6%"');
    expect(html).not.toContain("style=");
    expect(html).toMatch(/data-testid="count-failed".*?>4<\/dd>/);
  });

  it("counts recipients for consumer Gmail, as Gmail does", () => {
    const html = renderToStaticMarkup(
      createElement(UsageCard, {
        usage: { sentLast24h: 42, dailyLimit: 500, remaining: 458, nextSlotAt: null },
        counts: { queued: 0, sending: 0, sent: 12, deferred: 0, failed: 0, canceled: 0 },
        kind: "gmail",
        now,
      }),
    );
    expect(html).toContain("Recipients of messages sent in the last 24 hours");
    expect(html).toContain('aria-valuetext="42 of 500 recipients"');
    expect(html).toContain("458 recipients left");
    expect(html).not.toMatch(/\bmessages left/);
  });

  it("says when sending resumes once the limit is reached", () => {
    const html = renderToStaticMarkup(
      createElement(UsageCard, {
        usage: {
          sentLast24h: 500,
          dailyLimit: 500,
          remaining: 0,
          nextSlotAt: new Date("2026-11-28T14:30:00Z"),
        },
        counts: { queued: 5, sending: 0, sent: 500, deferred: 0, failed: 0, canceled: 0 },
        kind: "gmail",
        now,
      }),
    );
    expect(html).toContain("Daily Gmail limit reached");
    expect(html).toContain("in 3 hours");
    expect(html).toContain("28 Nov 2026, 14:30 UTC");
  });
});

describe("ReconnectAlert", () => {
  it("gives Google's reason, says queued mail waits, and offers the reconnect button", () => {
    const html = renderToStaticMarkup(
      createElement(ReconnectAlert, {
        email: "ada@example.com",
        reason: "Token has been expired or revoked.",
        diagnosis: null,
        since: new Date("2026-11-28T11:00:00Z"),
        waiting: 3,
        way: "smtp_oauth",
        now,
      }),
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain("Token has been expired or revoked.");
    expect(html).toContain("3 messages wait in the outbox");
    expect(html).toContain("go out by themselves after you reconnect");
    expect(html).toMatch(/<button[^>]*>Reconnect Google account<\/button>/);
  });
});

describe("GmailRepliesReference", () => {
  it("lists every known Gmail reply with its meaning and fix", () => {
    const html = renderToStaticMarkup(createElement(GmailRepliesReference));
    expect(html).toContain("Gmail replies explained");
    for (const reply of GMAIL_REPLIES) {
      expect(html).toContain(`id="reply-${reply.id}"`);
      expect(html).toContain(reply.fix.replaceAll("'", "&#x27;"));
    }
  });
});
