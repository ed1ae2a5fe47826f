// The token doctor's reasoning and what the status page and dashboard show of it: each
// invalid_grant cause from consent and last use (with the boundaries that decide between them),
// the Testing-mode setting, the countdown, and the reconnect that names the account.
import { randomBytes } from "node:crypto";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ReconnectAlert } from "../../app/(dashboard)/status/reconnect-alert";
import { TokenCard } from "../../app/(dashboard)/status/token-card";
import { TokenWarningNotice } from "../../app/(dashboard)/token-warning-banner";
import type { AccountStatus } from "../../lib/diagnostics/account-status";
import { reconnectParams } from "../../lib/auth/reconnect-params";
import { EnvError, parseEnv } from "../../lib/env";
import { diagnoseInvalidGrant } from "../../lib/google/diagnose-invalid-grant";
import { duration, explainInvalidGrant } from "../../lib/google/explain-invalid-grant";
import { testingExpiry } from "../../lib/google/testing-expiry";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date("2026-11-28T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("diagnoseInvalidGrant", () => {
  const diagnose = (consent: number | null, lastUse: number | null, testingApp = false) =>
    diagnoseInvalidGrant(
      {
        consentedAt: consent === null ? null : ago(consent),
        lastUsedAt: lastUse === null ? null : ago(lastUse),
      },
      now,
      testingApp,
    );

  it("a death 7 days after consent is the Testing expiry, and evidence of a Testing app", () => {
    expect(diagnose(7 * DAY, 7 * DAY - HOUR)).toEqual({
      cause: "testing_expiry",
      testingEvidence: true,
    });
    // Clocks differ a little: half an hour early still counts.
    expect(diagnose(7 * DAY - 30 * 60_000, null).cause).toBe("testing_expiry");
    // Found within a day after the seventh day.
    expect(diagnose(8 * DAY - HOUR, 3 * DAY).cause).toBe("testing_expiry");
  });

  it("a death before the seventh day, or of a token Google took after it, is a revocation", () => {
    expect(diagnose(6 * DAY, HOUR)).toEqual({ cause: "revoked", testingEvidence: false });
    expect(diagnose(7 * DAY + 2 * HOUR, HOUR).cause).toBe("revoked");
  });

  it("long after the seventh day it is the Testing expiry only when the app is known to be in Testing", () => {
    expect(diagnose(20 * DAY, 15 * DAY, false).cause).toBe("revoked");
    expect(diagnose(20 * DAY, 15 * DAY, true)).toEqual({
      cause: "testing_expiry",
      testingEvidence: false,
    });
    // Used after its seventh day: not Testing, even in a Testing app.
    expect(diagnose(20 * DAY, 10 * DAY, true).cause).toBe("revoked");
  });

  it("six months without use is 'unused'; without a recorded consent the cause is unknown", () => {
    expect(diagnose(300 * DAY, 200 * DAY).cause).toBe("unused");
    expect(diagnose(300 * DAY, 150 * DAY).cause).toBe("revoked");
    expect(diagnose(null, 200 * DAY).cause).toBe("unused");
    expect(diagnose(null, HOUR).cause).toBe("unknown");
    expect(diagnose(null, null).cause).toBe("unknown");
  });
});

describe("explainInvalidGrant", () => {
  it("gives each cause a title, why, and a fix; a revocation says Google does not tell which", () => {
    const history = { consentedAt: ago(3 * DAY), lastUsedAt: ago(2 * HOUR) };
    const revoked = explainInvalidGrant("revoked", history, now);
    expect(revoked.title).toContain("password change");
    expect(revoked.explanation).toContain("3 days old and last used 2 hours earlier");
    expect(revoked.explanation).toContain("does not say which");
    const testing = explainInvalidGrant("testing_expiry", history, now);
    expect(testing.fix).toContain("make it Internal");
    expect(explainInvalidGrant("unused", history, now).title).toBe("Unused for six months");
    expect(explainInvalidGrant("unknown", history, now).fix).toMatch(/^Reconnect/);
  });

  it("reads durations in hours, days or months", () => {
    expect(duration(20 * 60_000)).toBe("1 hour");
    expect(duration(30 * HOUR)).toBe("30 hours");
    expect(duration(7 * DAY + 20 * 60_000)).toBe("7 days");
    expect(duration(210 * DAY)).toBe("7 months");
  });
});

describe("testingExpiry", () => {
  it("is consent + 7 days, 'soon' within 48 hours, 'past' after", () => {
    expect(testingExpiry(ago(DAY), now)).toEqual({
      expiresAt: new Date(now.getTime() + 6 * DAY),
      state: "later",
    });
    expect(testingExpiry(ago(5 * DAY), now).state).toBe("soon");
    expect(testingExpiry(ago(7 * DAY + 1), now).state).toBe("past");
  });
});

describe("GOOGLE_OAUTH_APP_TESTING", () => {
  const required = {
    NEXTAUTH_URL: "http://localhost:3000",
    NEXTAUTH_SECRET: "a-long-enough-secret-value",
    GOOGLE_CLIENT_ID: "client.apps.googleusercontent.com",
    GOOGLE_CLIENT_SECRET: "secret",
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };

  it("is true, false, or unset (inferred)", () => {
    expect(parseEnv(required).GOOGLE_OAUTH_APP_TESTING).toBeUndefined();
    expect(
      parseEnv({ ...required, GOOGLE_OAUTH_APP_TESTING: "true" }).GOOGLE_OAUTH_APP_TESTING,
    ).toBe(true);
    expect(
      parseEnv({ ...required, GOOGLE_OAUTH_APP_TESTING: "false" }).GOOGLE_OAUTH_APP_TESTING,
    ).toBe(false);
    expect(() => parseEnv({ ...required, GOOGLE_OAUTH_APP_TESTING: "yes" })).toThrow(EnvError);
    expect(() => parseEnv({ ...required, GOOGLE_OAUTH_APP_TESTING: "yes" })).toThrow(
      /GOOGLE_OAUTH_APP_TESTING must be "true" or "false"/,
    );
  });
});

describe("reconnectParams", () => {
  it("names the account (login_hint) and asks for consent, so Google issues a new refresh token", () => {
    expect(reconnectParams("ada@example.com")).toEqual({
      login_hint: "ada@example.com",
      prompt: "consent",
    });
  });
});

function token(overrides: Partial<AccountStatus["token"]>): AccountStatus["token"] {
  return {
    scopes: ["openid", "https://mail.google.com/"],
    hasRefreshToken: true,
    accessTokenExpiresAt: null,
    accessTokenExpired: true,
    lastRefreshedAt: null,
    reconnectNeeded: false,
    reconnectReason: null,
    reconnectSince: null,
    consentedAt: ago(6 * DAY),
    refreshTokenUsedAt: ago(HOUR),
    diagnosis: null,
    testing: { testing: false, source: null, inferredAt: null },
    expiry: null,
    ...overrides,
  };
}

describe("TokenCard", () => {
  it("shows consent and last use, and no countdown when the app is not known to be in Testing", () => {
    const html = renderToStaticMarkup(
      createElement(TokenCard, {
        token: token({}),
        way: "smtp_oauth",
        email: "ada@example.com",
        now,
      }),
    );
    expect(html).toContain("Consent given");
    expect(html).toContain("6 days ago");
    expect(html).toContain("1 hour ago");
    expect(html).not.toContain('data-testid="testing-expiry"');
  });

  it("counts down to the Testing expiry, says how Mailroom knows, and offers a reconnect", () => {
    const html = renderToStaticMarkup(
      createElement(TokenCard, {
        way: "smtp_oauth",
        token: token({
          testing: { testing: true, source: "inferred", inferredAt: ago(2 * DAY) },
          expiry: testingExpiry(ago(6 * DAY), now),
        }),
        email: "ada@example.com",
        now,
      }),
    );
    expect(html).toContain('data-state="soon"');
    expect(html).toContain("Ends <time");
    expect(html).toContain("tomorrow");
    expect(html).toContain("Mailroom inferred that the OAuth app is in Testing");
    expect(html).toMatch(/<button[^>]*>Reconnect now<\/button>/);

    const configured = renderToStaticMarkup(
      createElement(TokenCard, {
        way: "smtp_oauth",
        token: token({
          testing: { testing: true, source: "configured", inferredAt: null },
          expiry: testingExpiry(ago(DAY), now),
        }),
        email: "ada@example.com",
        now,
      }),
    );
    expect(configured).toContain('data-state="later"');
    expect(configured).toContain("GOOGLE_OAUTH_APP_TESTING=true");
    expect(configured).toContain("in 6 days");
    expect(configured).not.toContain("Reconnect now");
  });
});

describe("ReconnectAlert with the token doctor's diagnosis", () => {
  it("names the likely cause and its fix in place of the list of possible causes", () => {
    const diagnosis = explainInvalidGrant(
      "testing_expiry",
      { consentedAt: ago(7 * DAY), lastUsedAt: ago(7 * DAY - HOUR) },
      now,
    );
    const html = renderToStaticMarkup(
      createElement(ReconnectAlert, {
        email: "ada@example.com",
        reason: "Token has been expired or revoked.",
        diagnosis,
        since: now,
        waiting: 1,
        way: "smtp_oauth",
        now,
      }),
    );
    expect(html).toContain('data-cause="testing_expiry"');
    expect(html).toContain("Likely cause: Expired 7 days after consent");
    expect(html).toContain("make it Internal");
    expect(html).not.toContain("This happens when access was revoked");
  });
});

describe("the dashboard's banner", () => {
  const notice = (warning: Parameters<typeof TokenWarningNotice>[0]["warning"]) =>
    renderToStaticMarkup(createElement(TokenWarningNotice, { warning, now }));

  it("warns of an expiry within 48 hours, or past, and offers a reconnect", () => {
    const soon = notice({
      kind: "expiring",
      email: "ada@example.com",
      expiresAt: new Date(now.getTime() + 30 * HOUR),
      state: "soon",
    });
    expect(soon).toContain("The OAuth app is in Testing");
    expect(soon).toContain("in about 30 hours");
    expect(soon).toMatch(/<button[^>]*>Reconnect<\/button>/);
    const past = notice({
      kind: "expiring",
      email: "ada@example.com",
      expiresAt: ago(HOUR),
      state: "past",
    });
    expect(past).toContain("has ended the access to");
    expect(past).toContain("messages will wait until you reconnect");
    expect(notice({ kind: "reconnect", email: "ada@example.com", way: "smtp_oauth" })).toContain(
      "needs to be reconnected: sending is paused and messages wait",
    );
    // An app password is fixed on the status page, not with Google's consent.
    const appPassword = notice({
      kind: "reconnect",
      email: "ada@example.com",
      way: "app_password",
    });
    expect(appPassword).toContain("no longer accepts the app password");
    expect(appPassword).toContain('href="/status#app-password"');
    expect(appPassword).not.toContain("Reconnect</button>");
  });
});
