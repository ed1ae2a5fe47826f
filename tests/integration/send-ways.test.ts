// The three ways an account sends — SMTP with XOAUTH2, the Gmail API, SMTP with an app password —
// end to end through the worker's deliver step and the emulator: what Gmail receives, what
// history records, and what each of Google's refusals does to the message and the account.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { messageInputSchema } from "../../lib/mail/message-input";
import { enqueueMessage, enqueueRawMessage } from "../../lib/outbox/enqueue-message";
import { drainOutbox, fastForwardRetries } from "../support/drain-outbox";
import { insertConnectedUser } from "../support/seed-user";
import { setSendWay, storeAppPassword } from "../support/send-way";
import { TEST_CLIENT, configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

const FULL_SCOPE = "openid email profile https://mail.google.com/";
const SEND_ONLY_SCOPE = "openid email profile https://www.googleapis.com/auth/gmail.send";
/** Reads mail but cannot send it: the API answers 403 insufficientPermissions. */
const READ_ONLY_SCOPE = "openid email profile https://www.googleapis.com/auth/gmail.readonly";
const ACCOUNT_PASSWORD = "correct horse battery staple";

let emu: Emulator;
let databaseFile: string;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  ({ databaseFile } = configureTestEnvironment(emu));
});

afterAll(async () => {
  closeAllTransports();
  await emu.stop();
});

beforeEach(() => {
  closeAllTransports();
  emu.control.reset();
});

let counter = 0;
/** A connected account whose tokens carry `scope`. */
async function newSender(scope = FULL_SCOPE) {
  counter++;
  const email = `ways${counter}@example.com`;
  const tokens = emu.control.issueTokens(email, { clientId: TEST_CLIENT.clientId, scope });
  return insertConnectedUser(email, tokens, scope);
}

async function send(
  userId: string,
  from: string,
  overrides: Partial<{ to: string; cc: string; bcc: string; subject: string }> = {},
) {
  const input = messageInputSchema.parse({
    from,
    to: overrides.to ?? "Bob <bob@example.org>",
    cc: overrides.cc,
    bcc: overrides.bcc,
    subject: overrides.subject ?? "Quarterly report",
    text: "Numbers attached in spirit.",
  });
  return enqueueMessage({ userId, input });
}

async function message(id: string) {
  const prisma = await db();
  return prisma.message.findUniqueOrThrow({
    where: { id },
    include: { events: { orderBy: { createdAt: "asc" } }, content: true },
  });
}

async function account(id: string) {
  const prisma = await db();
  return prisma.account.findUniqueOrThrow({ where: { id } });
}

describe("sending with the Gmail API", () => {
  it("sends the stored MIME unchanged, Bcc recipients included but never shown", async () => {
    const { user, account: acct } = await newSender(SEND_ONLY_SCOPE);
    await setSendWay(acct.id, "gmail_api");
    const { id } = await send(user.id, acct.email, {
      cc: "carol@example.net",
      bcc: "Dave <dave@example.com>, erin@example.org",
    });
    expect(await drainOutbox()).toBe(1);

    const m = await message(id);
    expect(m.status).toBe("sent");
    expect(m.lastSmtpCode).toBe(200);
    expect(m.lastSmtpReply).toMatch(/^Gmail API 200 OK: message \w+, thread \w+$/);
    expect(m.events.map((e) => e.type)).toEqual(["queued", "attempt", "sent"]);

    const inbox = emu.control.messages({ email: acct.email });
    expect(inbox).toHaveLength(1);
    const got = inbox[0]!;
    expect(got.via).toBe("api");
    expect(got.credential).toBe("oauth");
    expect(m.lastSmtpReply).toContain(`message ${got.id},`);
    expect(got.messageId).toBe(m.messageIdHeader);
    expect(got.envelope.rcptTo).toEqual([
      "bob@example.org",
      "carol@example.net",
      "dave@example.com",
      "erin@example.org",
    ]);
    // What recipients see is exactly what Mailroom stored: no Bcc header went along.
    const stored = Buffer.from(m.content!.mime).toString("utf8");
    expect(stored).not.toMatch(/^bcc:/im);
    expect(got.raw).toBe(stored);
    expect(got.headers.map((h) => h.name.toLowerCase())).not.toContain("bcc");
  });

  it("gets a fresh token once when Gmail refuses the access token (401), then sends", async () => {
    const { user, account: acct } = await newSender(SEND_ONLY_SCOPE);
    await setSendWay(acct.id, "gmail_api");
    // Mailroom's stored access token still looks fresh; Gmail no longer takes it.
    emu.control.expireAccessTokens(acct.email);
    const { id } = await send(user.id, acct.email);
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("sent");
    expect(m.attempts).toBe(1);
    expect(m.lastSmtpReply).toMatch(/^Gmail API 200 OK/);
    const stats = emu.control.stats(acct.email);
    expect(stats.refreshes).toBe(1);
    expect(stats.messages).toBe(1);
    expect((await account(acct.id)).reconnectReason).toBeNull();
  });

  it("pauses the account when its token lacks a sending scope (403), without failing the message", async () => {
    const { user, account: acct } = await newSender(READ_ONLY_SCOPE);
    await setSendWay(acct.id, "gmail_api");
    const { id } = await send(user.id, acct.email);
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("queued");
    expect(m.events.at(-1)!.type).toBe("waiting");
    expect(m.lastSmtpCode).toBe(403);
    expect(m.lastSmtpReply).toMatch(/^Gmail API 403 insufficientPermissions: /);
    const paused = await account(acct.id);
    expect(paused.reconnectReason).toMatch(/not granted Gmail API sending \(403\)/);
    // No refresh: a new token would carry the same scopes.
    expect(emu.control.stats(acct.email).refreshes).toBe(0);
    expect(emu.control.messages({ email: acct.email })).toHaveLength(0);
    // Paused, its messages are not claimed again.
    expect(await drainOutbox()).toBe(0);
  });

  for (const [error, status] of [
    ["rateLimitExceeded", 429],
    ["backendError", 500],
    ["unavailable", 503],
  ] as const) {
    it(`defers on ${status} (${error}) and sends on the next attempt`, async () => {
      const { user, account: acct } = await newSender(SEND_ONLY_SCOPE);
      await setSendWay(acct.id, "gmail_api");
      emu.control.failNextApiSend(1, error, { email: acct.email });
      const { id } = await send(user.id, acct.email);
      await drainOutbox();

      let m = await message(id);
      expect(m.status).toBe("deferred");
      expect(m.lastSmtpCode).toBe(status);
      expect(m.lastSmtpReply).toMatch(
        new RegExp(
          `^Gmail API ${status} ${status === 429 ? "rateLimitExceeded" : "backendError"}: `,
        ),
      );
      expect(m.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      expect((await account(acct.id)).reconnectReason).toBeNull();
      expect(emu.control.messages({ email: acct.email })).toHaveLength(0);

      await fastForwardRetries();
      await drainOutbox();
      m = await message(id);
      expect(m.status).toBe("sent");
      expect(m.attempts).toBe(2);
      expect(m.lastSmtpReply).toMatch(/^Gmail API 200 OK/);
      expect(m.events.map((e) => e.type)).toEqual([
        "queued",
        "attempt",
        "deferred",
        "attempt",
        "sent",
      ]);
      expect(emu.control.messages({ email: acct.email })).toHaveLength(1);
    });
  }

  it("waits at least as long as Gmail's Retry-After on userRateLimitExceeded (429)", async () => {
    const { user, account: acct } = await newSender(SEND_ONLY_SCOPE);
    await setSendWay(acct.id, "gmail_api");
    emu.control.failNextApiSend(1, "userRateLimitExceeded", { email: acct.email });
    const { id } = await send(user.id, acct.email);
    const before = Date.now();
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("deferred");
    expect(m.lastSmtpCode).toBe(429);
    expect(m.lastSmtpReply).toMatch(/^Gmail API 429 userRateLimitExceeded: /);
    // The first backoff is shorter than a minute: only the Retry-After can push it this far.
    expect(m.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect((await account(acct.id)).reconnectReason).toBeNull();

    await fastForwardRetries();
    await drainOutbox();
    expect((await message(id)).status).toBe("sent");
  });

  it("fails a message Gmail refuses as invalid (400) at once, with the explanation", async () => {
    const { user, account: acct } = await newSender(SEND_ONLY_SCOPE);
    await setSendWay(acct.id, "gmail_api");
    // As a relay client may submit it: the To header names an address Gmail refuses, which SMTP
    // would take up to RCPT TO; the API reads the headers and answers 400.
    const mime = Buffer.from(
      [
        `From: ${acct.email}`,
        "To: Everyone <everyone@localhost>",
        "Subject: Malformed recipients",
        `Message-ID: <malformed-${acct.id}@example.com>`,
        "Date: Wed, 02 Dec 2026 14:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Hello.",
        "",
      ].join("\r\n"),
      "utf8",
    );
    const { id } = await enqueueRawMessage({
      userId: user.id,
      source: { kind: "web" },
      fromAddress: acct.email,
      messageIdHeader: `<malformed-${acct.id}@example.com>`,
      to: ["everyone@localhost"],
      cc: [],
      bcc: [],
      subject: "Malformed recipients",
      textBody: "Hello.",
      mime,
    });
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("failed");
    expect(m.attempts).toBe(1);
    expect(m.lastSmtpCode).toBe(400);
    expect(m.lastSmtpReply).toBe("Gmail API 400 invalidArgument: Invalid To header");
    expect(m.lastError).toBe("Invalid argument (400)");
    expect(m.events.at(-1)!.detail).toMatch(/^Correct the message and send it again/);
    expect((await account(acct.id)).reconnectReason).toBeNull();
    expect(emu.control.messages({ email: acct.email })).toHaveLength(0);
  });

  it("fails, unsent, a message whose To or Cc names someone its envelope leaves out", async () => {
    const { user, account: acct } = await newSender(SEND_ONLY_SCOPE);
    // Accepted while the account sent over SMTP, which delivers by the envelope: a list
    // server's copy for one member, the list's whole membership named in the headers.
    const mime = Buffer.from(
      [
        `From: ${acct.email}`,
        "To: Members <members@example.org>",
        "Cc: =?utf-8?Q?Zo=C3=AB?= <zoe@example.org>,",
        " Bob <bob@example.org>",
        "Subject: Minutes",
        `Message-ID: <narrow-${acct.id}@example.com>`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "To: nobody@example.org is body text, not a header.",
        "",
      ].join("\r\n"),
      "utf8",
    );
    const accept = (suffix: string, to: string[]) =>
      enqueueRawMessage({
        userId: user.id,
        source: { kind: "web" },
        fromAddress: acct.email,
        messageIdHeader: `<narrow-${suffix}-${acct.id}@example.com>`,
        to,
        cc: [],
        bcc: [],
        subject: "Minutes",
        textBody: "Hello.",
        mime: Buffer.from(
          mime.toString("utf8").replace(`<narrow-${acct.id}@`, `<narrow-${suffix}-${acct.id}@`),
        ),
      });
    const narrow = await accept("one", ["bob@example.org"]);
    // The same headers with every named address in the envelope go out as usual.
    const whole = await accept("all", [
      "members@example.org",
      "zoe@example.org",
      "bob@example.org",
    ]);
    await setSendWay(acct.id, "gmail_api");
    await drainOutbox();

    const m = await message(narrow.id);
    expect(m.status).toBe("failed");
    expect(m.lastError).toMatch(/names members@example\.org, whom its envelope leaves out/);
    expect(m.events.at(-1)!.detail).toMatch(/Choose SMTP on the status page/);
    expect((await message(whole.id)).status).toBe("sent");
    const inbox = emu.control.messages({ email: acct.email });
    expect(inbox.map((g) => g.messageId)).toEqual([`<narrow-all-${acct.id}@example.com>`]);
  });
});

describe("sending with an app password", () => {
  /** An account with a password and 2-Step Verification, as app passwords need. */
  async function appPasswordSender() {
    const sender = await newSender();
    emu.control.setPassword(sender.account.email, ACCOUNT_PASSWORD);
    emu.control.setTwoStepVerification(sender.account.email, true);
    return sender;
  }

  it("sends over SMTP with the sealed app password, pauses when it is revoked, resumes with a new one", async () => {
    const { user, account: acct } = await appPasswordSender();
    const first = emu.control.createAppPassword(acct.email, { name: "Mailroom" });
    await storeAppPassword(acct.id, first.password);

    const stored = await account(acct.id);
    expect(stored.sendWay).toBe("app_password");
    expect(stored.appPasswordSealed).toMatch(/^v2\./);
    const letters = first.password.replace(/ /g, "");
    expect(stored.appPasswordSealed).not.toContain(letters);
    expect(stored.appPasswordSealed).not.toContain(first.password);

    const sent = await send(user.id, acct.email, { subject: "With an app password" });
    await drainOutbox();
    let m = await message(sent.id);
    expect(m.status).toBe("sent");
    expect(m.lastSmtpCode).toBe(250);
    expect(m.lastSmtpReply).toMatch(/^250 2\.0\.0 OK/);
    let inbox = emu.control.messages({ email: acct.email });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.via).toBe("smtp");
    expect(inbox[0]!.credential).toBe("app-password");
    expect(inbox[0]!.messageId).toBe(m.messageIdHeader);
    // No OAuth involved: no token was refreshed.
    expect(emu.control.stats(acct.email).refreshes).toBe(0);

    // Neither form of the password is anywhere in the database files.
    const prisma = await db();
    await prisma.$executeRawUnsafe("PRAGMA wal_checkpoint(FULL)");
    const files = [databaseFile, `${databaseFile}-wal`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(letters)).toBe(false);
    expect(bytes.includes(first.password)).toBe(false);

    // Revoked in the Google account: Gmail answers 535-5.7.8 and the account waits for a new one.
    expect(emu.control.revokeAppPassword(acct.email, first.id)).toBe(true);
    // A connection already signed in stays so until it closes (after a quiet minute): sign in anew.
    closeAllTransports();
    const waiting = await send(user.id, acct.email, { subject: "After the revocation" });
    await drainOutbox();
    m = await message(waiting.id);
    expect(m.status).toBe("queued");
    expect(m.events.at(-1)!.type).toBe("waiting");
    expect(m.lastSmtpCode).toBe(535);
    expect(m.lastSmtpReply).toMatch(/^535-5\.7\.8 Username and Password not accepted/);
    const paused = await account(acct.id);
    expect(paused.reconnectReason).toMatch(/^Gmail refused the app password \(535\)/);
    expect(await drainOutbox()).toBe(0);

    const second = emu.control.createAppPassword(acct.email, { name: "Mailroom again" });
    await storeAppPassword(acct.id, second.password, { resume: true });
    expect(await drainOutbox()).toBe(1);
    m = await message(waiting.id);
    expect(m.status).toBe("sent");
    expect(m.lastSmtpCode).toBe(250);
    // The mailbox lists the newest first.
    inbox = emu.control.messages({ email: acct.email });
    expect(inbox.map((i) => i.subject)).toEqual(["After the revocation", "With an app password"]);
  });

  it("pauses with 534-5.7.9 when the account's own password was stored instead", async () => {
    const { user, account: acct } = await appPasswordSender();
    await storeAppPassword(acct.id, ACCOUNT_PASSWORD);
    const { id } = await send(user.id, acct.email);
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("queued");
    expect(m.events.at(-1)!.type).toBe("waiting");
    expect(m.lastSmtpCode).toBe(534);
    expect(m.lastSmtpReply).toMatch(/^534-5\.7\.9 Application-specific password required/);
    expect((await account(acct.id)).reconnectReason).toMatch(
      /^Gmail wants an app password, not the account's password \(534\)/,
    );
    expect(emu.control.messages({ email: acct.email })).toHaveLength(0);
  });

  it("pauses the account when the app-password way has no password stored", async () => {
    const { user, account: acct } = await appPasswordSender();
    await setSendWay(acct.id, "app_password");
    const { id } = await send(user.id, acct.email);
    await drainOutbox();

    const m = await message(id);
    expect(m.status).toBe("queued");
    expect(m.events.at(-1)!.type).toBe("waiting");
    expect((await account(acct.id)).reconnectReason).toBe(
      "no app password is stored for this account",
    );
    expect(emu.control.messages({ email: acct.email })).toHaveLength(0);
  });
});

describe("switching the way an account sends", () => {
  it("takes effect on the next message", async () => {
    const { user, account: acct } = await newSender(FULL_SCOPE);
    const first = await send(user.id, acct.email, { subject: "Over SMTP" });
    await drainOutbox();
    expect((await message(first.id)).lastSmtpReply).toMatch(/^250 2\.0\.0 OK/);

    await setSendWay(acct.id, "gmail_api");
    const second = await send(user.id, acct.email, { subject: "Through the API" });
    await drainOutbox();
    const m = await message(second.id);
    expect(m.status).toBe("sent");
    expect(m.lastSmtpCode).toBe(200);
    expect(m.lastSmtpReply).toMatch(/^Gmail API 200 OK/);

    const inbox = emu.control.messages({ email: acct.email });
    // The mailbox lists the newest first.
    expect(inbox.map((i) => [i.subject, i.via])).toEqual([
      ["Through the API", "api"],
      ["Over SMTP", "smtp"],
    ]);

    await setSendWay(acct.id, "smtp_oauth");
    const third = await send(user.id, acct.email, { subject: "Back to SMTP" });
    await drainOutbox();
    expect((await message(third.id)).lastSmtpReply).toMatch(/^250 2\.0\.0 OK/);
    expect(emu.control.messages({ email: acct.email })[0]!.via).toBe("smtp");
  });
});
