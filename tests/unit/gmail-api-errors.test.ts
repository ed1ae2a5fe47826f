// The Gmail API's answers as history records them ("Gmail API <status> <reason>: <message>"):
// what each means (explainReply), and what each does to a message (failureOutcome): sent later,
// failed, waiting for Gmail's quota, or waiting for the account.
import { randomBytes } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type * as AccessTokenModule from "../../lib/google/access-token";
import { explainApiError, parseApiReply } from "../../lib/mail/gmail-api-errors";
import { explainReply } from "../../lib/mail/gmail-replies";
import type { ClaimedMessage } from "../../lib/outbox/outbox";
import { failureOutcome } from "../../lib/sending/failure-outcome";
import { GmailApiError } from "../../lib/sending/ways/gmail-api-send";

// Pausing an account writes its row; here only the call is checked.
const markReconnectNeeded = vi.hoisted(() => vi.fn(() => Promise.resolve()));
vi.mock("../../lib/google/access-token", async (importOriginal) => ({
  ...(await importOriginal<typeof AccessTokenModule>()),
  markReconnectNeeded,
}));

beforeAll(() => {
  Object.assign(process.env, {
    NEXTAUTH_URL: "http://localhost:3000",
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    GOOGLE_CLIENT_ID: "client.apps.googleusercontent.com",
    GOOGLE_CLIENT_SECRET: "secret",
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    MAX_MESSAGE_AGE_HOURS: "72",
    QUOTA_WINDOW_MINUTES: "1440",
  });
});

beforeEach(() => {
  markReconnectNeeded.mockClear();
});

describe("parseApiReply", () => {
  it("reads the status and reason of a recorded API answer, and nothing else", () => {
    expect(
      parseApiReply(
        "Gmail API 403 insufficientPermissions: Request had insufficient authentication scopes.",
      ),
    ).toEqual({ status: 403, reason: "insufficientPermissions" });
    expect(
      parseApiReply("Gmail API 200 OK: message 18c2f0a1b2c3d4e5, thread 18c2f0a1b2c3d4e5"),
    ).toEqual({ status: 200, reason: "OK" });
    expect(parseApiReply("Gmail API unreachable: ECONNRESET")).toBeUndefined();
    expect(parseApiReply("535-5.7.8 Username and Password not accepted.")).toBeUndefined();
    expect(parseApiReply(undefined)).toBeUndefined();
  });
});

describe("explainReply on recorded Gmail API answers", () => {
  it.each([
    [
      "Gmail API 401 authError: Request had invalid authentication credentials. Expected OAuth 2 access token",
      "api:authError",
      "auth",
    ],
    [
      "Gmail API 403 insufficientPermissions: Request had insufficient authentication scopes.",
      "api:insufficientPermissions",
      "auth",
    ],
    [
      "Gmail API 429 userRateLimitExceeded: User-rate limit exceeded. Retry after 2026-12-03T14:00:00.000Z",
      "api:userRateLimitExceeded",
      "quota",
    ],
    ["Gmail API 403 dailyLimitExceeded: Daily Limit Exceeded", "api:dailyLimitExceeded", "quota"],
    [
      "Gmail API 429 rateLimitExceeded: Too many concurrent requests for user.",
      "api:rateLimitExceeded",
      "temporary",
    ],
    [
      "Gmail API 400 invalidArgument: Recipient address required",
      "api:invalidArgument",
      "permanent",
    ],
    ["Gmail API 500 backendError: Internal error encountered.", "api:backendError", "temporary"],
    [
      "Gmail API 503 backendError: The service is currently unavailable.",
      "api:backendError",
      "temporary",
    ],
    // A reason Mailroom does not know is explained by its status.
    ["Gmail API 401 error: Unauthorized", "api:authError", "auth"],
    ["Gmail API 400 failedPrecondition: Bad Request", "api:invalidArgument", "permanent"],
    ["Gmail API 429 error: Too Many Requests", "api:rateLimitExceeded", "temporary"],
    ["Gmail API 502 error: Bad Gateway", "api:backendError", "temporary"],
  ])("%s → %s", (reply, id, kind) => {
    const explanation = explainReply(reply);
    expect(explanation?.id).toBe(id);
    expect(explanation?.kind).toBe(kind);
    expect(explanation?.fix).not.toBe("");
  });

  it("leaves unknown answers unexplained and still explains SMTP replies", () => {
    expect(explainReply("Gmail API 404 notFound: Requested entity was not found.")).toBeUndefined();
    expect(explainApiError(409, "error")).toBeUndefined();
    expect(explainReply("535-5.7.8 Username and Password not accepted.")?.id).toBe("5.7.8");
    expect(explainReply("534-5.7.9 Application-specific password required.")?.id).toBe("5.7.9");
  });
});

const NOW = Date.parse("2026-12-02T12:00:00Z");

function claimed(overrides: Partial<ClaimedMessage> = {}): ClaimedMessage {
  return {
    id: "msg_1",
    accountId: "acc_1",
    account: { id: "acc_1", email: "ada@example.com", sendVersion: "smtp_oauth:0" },
    fromAddress: "ada@example.com",
    messageIdHeader: "<msg_1@example.com>",
    to: ["bob@example.org"],
    cc: [],
    bcc: [],
    attempts: 1,
    createdAt: new Date(NOW - 60_000),
    lockedBy: "worker",
    mime: Buffer.from("Subject: x\r\n\r\nx\r\n"),
    ...overrides,
  };
}

const apiError = (
  status: number | undefined,
  reason: string,
  message: string,
  retryAfterMs?: number,
) => new GmailApiError(status, reason, message, retryAfterMs);

describe("failureOutcome for Gmail API errors", () => {
  it("pauses the account when the token is refused even after the refresh (401)", async () => {
    const error = apiError(401, "authError", "Request had invalid authentication credentials.");
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome).toMatchObject({
      kind: "paused",
      messageId: "msg_1",
      smtpCode: 401,
      smtpReply: "Gmail API 401 authError: Request had invalid authentication credentials.",
      lastError: "Invalid credentials (401)",
    });
    const reason = (outcome as { detail: string }).detail;
    expect(reason).toMatch(/^Gmail refused the access token even after a refresh \(401\)/);
    expect(markReconnectNeeded).toHaveBeenCalledExactlyOnceWith("acc_1", reason);
  });

  it("pauses with a reason naming Gmail API sending when the scope is missing (403)", async () => {
    const error = apiError(403, "insufficientPermissions", "Request had insufficient scopes.");
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome.kind).toBe("paused");
    const reason = (outcome as { detail: string }).detail;
    expect(reason).toBe(
      "The account has not granted Gmail API sending (403). Grant it on the status page, or switch the account back to SMTP.",
    );
    expect(markReconnectNeeded).toHaveBeenCalledExactlyOnceWith("acc_1", reason);
  });

  it("treats another 403 (delegation denied) as the account's credentials", async () => {
    const error = apiError(403, "forbidden", "Delegation denied for ada@example.com");
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome.kind).toBe("paused");
    expect(markReconnectNeeded).toHaveBeenCalledOnce();
  });

  it("waits for Gmail's window on userRateLimitExceeded without a short Retry-After", async () => {
    for (const error of [
      apiError(429, "userRateLimitExceeded", "User-rate limit exceeded."),
      apiError(429, "userRateLimitExceeded", "User-rate limit exceeded.", 2 * 3_600_000),
      apiError(403, "dailyLimitExceeded", "Daily Limit Exceeded"),
    ]) {
      const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
      expect(outcome).toMatchObject({
        kind: "quota",
        accountId: "acc_1",
        windowMs: 1440 * 60_000,
        smtpCode: error.status,
      });
    }
    expect(markReconnectNeeded).not.toHaveBeenCalled();
  });

  it("defers a burst (userRateLimitExceeded, Retry-After 60 s) until at least the Retry-After", async () => {
    const error = apiError(429, "userRateLimitExceeded", "User-rate limit exceeded.", 60_000);
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome.kind).toBe("deferred");
    const next = (outcome as { nextAttemptAt: Date }).nextAttemptAt.getTime();
    expect(next).toBeGreaterThanOrEqual(NOW + 60_000);
    // Backoff alone would be far later only after many attempts: this is the Retry-After.
    expect(next).toBeLessThan(NOW + 10 * 60_000);
  });

  it.each([
    [429, "rateLimitExceeded", "Too many concurrent requests for user."],
    [500, "backendError", "Internal error encountered."],
    [503, "backendError", "The service is currently unavailable."],
    [502, "error", "Bad Gateway"],
  ])("defers %i %s with backoff", async (status, reason, text) => {
    const error = apiError(status, reason, text);
    const outcome = await failureOutcome(claimed({ attempts: 1 }), error, {
      way: "gmail_api",
      now: NOW,
    });
    expect(outcome).toMatchObject({
      kind: "deferred",
      smtpCode: status,
      smtpReply: `Gmail API ${status} ${reason}: ${text}`,
    });
    const next = (outcome as { nextAttemptAt: Date }).nextAttemptAt.getTime();
    // The first backoff: 30 s ± 20%.
    expect(next).toBeGreaterThanOrEqual(NOW + 24_000);
    expect(next).toBeLessThanOrEqual(NOW + 36_000);
    expect(markReconnectNeeded).not.toHaveBeenCalled();
  });

  it("defers when the API could not be reached at all", async () => {
    const error = apiError(undefined, "network", "ECONNRESET");
    expect(error.reply).toBe("Gmail API unreachable: ECONNRESET");
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome).toMatchObject({
      kind: "deferred",
      smtpCode: null,
      smtpReply: "Gmail API unreachable: ECONNRESET",
    });
  });

  it("fails an invalid message (400) at once with the explanation's fix", async () => {
    const error = apiError(400, "invalidArgument", "Invalid To header");
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome).toMatchObject({
      kind: "failed",
      smtpCode: 400,
      smtpReply: "Gmail API 400 invalidArgument: Invalid To header",
      lastError: "Invalid argument (400)",
      detail:
        "Correct the message and send it again; retrying the same message gets the same answer.",
    });
  });

  it("fails an answer it cannot explain below 500 (404) rather than retrying it", async () => {
    const error = apiError(404, "notFound", "Requested entity was not found.");
    const outcome = await failureOutcome(claimed(), error, { way: "gmail_api", now: NOW });
    expect(outcome).toMatchObject({ kind: "failed", smtpCode: 404 });
  });

  it("gives up on a temporary error once the message is too old", async () => {
    const error = apiError(500, "backendError", "Internal error encountered.");
    const outcome = await failureOutcome(
      claimed({ attempts: 9, createdAt: new Date(NOW - 73 * 3_600_000) }),
      error,
      { way: "gmail_api", now: NOW },
    );
    expect(outcome.kind).toBe("failed");
    expect((outcome as { detail: string }).detail).toMatch(
      /^Expired after 9 attempts over 72 hours; last reply: Gmail API 500 backendError/,
    );
  });
});

describe("failureOutcome for the app-password way", () => {
  const smtp = (responseCode: number, response: string) =>
    Object.assign(new Error(`Invalid login: ${response}`), {
      code: "EAUTH",
      responseCode,
      response,
    });

  it("says the app password was refused on 535-5.7.8", async () => {
    const error = smtp(535, "535-5.7.8 Username and Password not accepted. For more information");
    const outcome = await failureOutcome(claimed(), error, { way: "app_password", now: NOW });
    expect(outcome).toMatchObject({ kind: "paused", smtpCode: 535 });
    const reason = (outcome as { detail: string }).detail;
    expect(reason).toMatch(/^Gmail refused the app password \(535\): it is wrong or was revoked/);
    expect(markReconnectNeeded).toHaveBeenCalledExactlyOnceWith("acc_1", reason);
  });

  it("says Gmail wants an app password on 534-5.7.9", async () => {
    const error = smtp(
      534,
      "534-5.7.9 Application-specific password required. For more information",
    );
    const outcome = await failureOutcome(claimed(), error, { way: "app_password", now: NOW });
    expect(outcome).toMatchObject({ kind: "paused", smtpCode: 534 });
    expect((outcome as { detail: string }).detail).toMatch(
      /^Gmail wants an app password, not the account's password \(534\)/,
    );
  });

  it("keeps the OAuth wording for the same 535 over XOAUTH2", async () => {
    const error = smtp(535, "535-5.7.8 Username and Password not accepted.");
    const outcome = await failureOutcome(claimed(), error, { way: "smtp_oauth", now: NOW });
    expect((outcome as { detail: string }).detail).toMatch(
      /^Gmail refused the access token even after a refresh \(535\)/,
    );
  });
});
