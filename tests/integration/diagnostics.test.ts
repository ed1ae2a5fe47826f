// The status page's diagnostics against the emulator: the connection test step by step, and the
// account status (tokens, reconnect, daily usage) scoped to one user.
import { randomUUID } from "node:crypto";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { createCertificateAuthority, issueServerCertificate } from "../../emulator/certs";
import { db } from "../../lib/db";
import { getAccountStatus } from "../../lib/diagnostics/account-status";
import { limitSettings } from "../../lib/sending/sending-limits";
import { gmailApiTarget, reachGmailApi } from "../../lib/diagnostics/check-gmail-api";
import { runConnectionTest } from "../../lib/diagnostics/run-connection-test";
import { closeSession, openSession } from "../../lib/diagnostics/secure-connection";
import type { ConnectionTestResult, StepResult } from "../../lib/diagnostics/types";
import { insertConnectedUser, seedUser } from "../support/seed-user";
import { setSendWay, storeAppPassword } from "../support/send-way";
import { TEST_CLIENT, configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";

let emu: Emulator;
let ada: Awaited<ReturnType<typeof seedUser>>;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  // SMTP_PORT/SMTP_SECURE = the emulator's implicit-TLS listener; STARTTLS is chosen per call.
  configureTestEnvironment(emu, { port: "465" });
  ada = await seedUser(emu, "ada@example.com");
});

afterAll(async () => {
  await emu.stop();
});

function step(result: ConnectionTestResult, name: StepResult["step"]): StepResult {
  const found = result.steps.find((s) => s.step === name);
  if (!found) throw new Error(`no ${name} step in ${JSON.stringify(result)}`);
  return found;
}

function expectAllPassed(result: ConnectionTestResult) {
  expect(result.steps.map((s) => [s.step, s.ok, s.skipped])).toEqual([
    ["dns", true, false],
    ["tcp", true, false],
    ["tls", true, false],
    ["auth", true, false],
  ]);
  expect(result.ok).toBe(true);
  for (const s of result.steps) {
    expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(s.durationMs).toBeLessThan(10_000);
    expect(s.detail).not.toBe("");
    expect(s.explanation).toBeUndefined();
  }
  expect(step(result, "dns").addresses).toContain("127.0.0.1");
  expect(step(result, "tcp").connectedTo).toMatch(/:\d+$/);
  const cert = step(result, "tls").certificate;
  expect(cert?.verified).toBe(true);
  expect(cert?.subject).toMatch(/\S/);
  expect(cert?.issuer).toContain("Mailroom Test CA");
  expect(Date.parse(cert?.validTo ?? "")).toBeGreaterThan(Date.now());
  expect(step(result, "tls").detail).toContain(cert?.subject);
  expect(step(result, "auth").reply).toMatch(/^235 2\.7\.0/);
}

function expectSkippedAfter(result: ConnectionTestResult, failed: StepResult["step"]) {
  const order = result.steps.map((s) => s.step);
  expect(order).toEqual(["dns", "tcp", "tls", "auth"]);
  const at = order.indexOf(failed);
  result.steps.forEach((s, i) => {
    if (i < at) expect([s.step, s.ok]).toEqual([s.step, true]);
    if (i === at) expect([s.step, s.ok, s.skipped]).toEqual([failed, false, false]);
    if (i > at) expect([s.step, s.ok, s.skipped]).toEqual([s.step, false, true]);
  });
  expect(result.ok).toBe(false);
}

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("runConnectionTest", () => {
  it("passes DNS, TCP, TLS and XOAUTH2 over implicit TLS on the configured port", async () => {
    const result = await runConnectionTest({ accountId: ada.account.id });
    expectAllPassed(result);
    expect(result).toMatchObject({
      email: "ada@example.com",
      host: "localhost",
      port: emu.smtp.securePort,
      secure: true,
    });
  });

  it("passes every step over STARTTLS when asked for the STARTTLS port", async () => {
    const result = await runConnectionTest({
      accountId: ada.account.id,
      port: emu.smtp.starttlsPort,
      secure: false,
    });
    expectAllPassed(result);
    expect(result).toMatchObject({ port: emu.smtp.starttlsPort, secure: false });
    expect(step(result, "tls").detail).toMatch(/STARTTLS accepted .*220/);
  });

  it("never puts an access token in what it returns", async () => {
    const result = await runConnectionTest({ accountId: ada.account.id });
    const text = JSON.stringify(result);
    expect(text).not.toContain(ada.tokens.accessToken);
    expect(text).not.toContain(ada.tokens.refreshToken);
    expect(text).not.toContain(Buffer.from(ada.tokens.accessToken).toString("base64"));
  });

  it("refreshes an access token Gmail no longer accepts, once, and then signs in", async () => {
    const bob = await seedUser(emu, "bob@example.com");
    emu.control.expireAccessTokens("bob@example.com");
    const refreshesBefore = emu.control.stats("bob@example.com").refreshes;

    const result = await runConnectionTest({ accountId: bob.account.id });

    expectAllPassed(result);
    expect(step(result, "auth").detail).toContain("after refreshing the access token");
    expect(emu.control.stats("bob@example.com").refreshes).toBe(refreshesBefore + 1);
    const status = await getAccountStatus(bob.user.id);
    expect(status?.token.reconnectNeeded).toBe(false);
    expect(status?.token.lastRefreshedAt).toBeInstanceOf(Date);
  });

  it("fails at sign-in with the reconnect explanation once access is revoked, and marks the account", async () => {
    const cy = await seedUser(emu, "cy@example.com");
    emu.control.revoke("cy@example.com");
    emu.control.expireAccessTokens("cy@example.com");

    const result = await runConnectionTest({ accountId: cy.account.id });

    expectSkippedAfter(result, "auth");
    const auth = step(result, "auth");
    expect(auth.reply).toMatch(/^535-5\.7\.8 Username and Password not accepted/);
    expect(auth.detail).toContain("535-5.7.8");
    expect(auth.explanation?.title).toBe("Reconnect the Google account");
    expect(auth.explanation?.fix).toContain("Reconnect Google account");
    expect(auth.explanation?.fix).toMatch(/go out by themselves/);
    expect(JSON.stringify(result)).not.toContain(cy.tokens.accessToken);

    const status = await getAccountStatus(cy.user.id);
    expect(status?.token.reconnectNeeded).toBe(true);
    expect(status?.token.reconnectReason).toMatch(/expired or revoked/i);
    expect(status?.token.reconnectSince).toBeInstanceOf(Date);

    // The next test does not even try Gmail: the account is waiting for a reconnect.
    const again = await runConnectionTest({ accountId: cy.account.id });
    expectSkippedAfter(again, "auth");
    expect(step(again, "auth").explanation?.title).toBe("Reconnect the Google account");
    expect(step(again, "auth").detail).toMatch(/expired or revoked/i);
  });

  it("explains a temporary Gmail reply to AUTH with the reference entry", async () => {
    emu.control.failNext(1, "454 4.7.0 Too many login attempts, please try again later", {
      stage: "auth",
    });
    const result = await runConnectionTest({ accountId: ada.account.id });
    expectSkippedAfter(result, "auth");
    expect(step(result, "auth").reply).toMatch(/^454 4\.7\.0 Too many login attempts/);
    expect(step(result, "auth").explanation).toMatchObject({ replyId: "4.7.0" });
  });

  it("fails at TCP on a closed port and skips TLS and sign-in", async () => {
    const port = await closedPort();
    const result = await runConnectionTest({ accountId: ada.account.id, port, secure: true });
    expectSkippedAfter(result, "tcp");
    expect(step(result, "tcp").detail).toContain("ECONNREFUSED");
    expect(step(result, "tcp").explanation?.title).toBe("Connection refused");
    expect(step(result, "tcp").explanation?.fix).toMatch(/firewall/);
    expect(step(result, "tls").detail).toMatch(/TCP connection step failed/);
  });

  it("fails at DNS for a host name that does not exist and skips everything after", async () => {
    const result = await runConnectionTest({
      accountId: ada.account.id,
      host: "smtp.mailroom-diagnostics.invalid",
    });
    expectSkippedAfter(result, "dns");
    expect(step(result, "dns").detail).toContain("smtp.mailroom-diagnostics.invalid");
    expect(step(result, "dns").explanation?.title).toMatch(/not found|not reachable/);
    expect(step(result, "dns").explanation?.fix).toMatch(/SMTP_HOST|DNS|resolver/);
  });

  it("fails at TLS with the mode explanation when implicit TLS meets a STARTTLS port", async () => {
    const result = await runConnectionTest({
      accountId: ada.account.id,
      port: emu.smtp.starttlsPort,
      secure: true,
    });
    expectSkippedAfter(result, "tls");
    expect(step(result, "tls").explanation?.title).toMatch(/STARTTLS/);
    expect(step(result, "tls").explanation?.fix).toMatch(/465.*587|587.*465/);
  });

  it("gives up on a silent server after the step time limit", async () => {
    // STARTTLS against the implicit-TLS port: the server waits for a TLS hello, we for a greeting.
    const started = Date.now();
    const result = await runConnectionTest({
      accountId: ada.account.id,
      port: emu.smtp.securePort,
      secure: false,
      timeoutMs: 500,
    });
    expectSkippedAfter(result, "tls");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(step(result, "tls").durationMs).toBeGreaterThanOrEqual(450);
    expect(step(result, "tls").explanation?.title).toBe("No SMTP greeting");
  });

  describe("against a server whose certificate is not trusted", () => {
    let server: TlsServer;
    let received = "";

    beforeAll(async () => {
      const strangerCa = await createCertificateAuthority("Stranger CA");
      const cert = await issueServerCertificate(strangerCa, ["localhost"]);
      server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => {
        socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
        socket.on("error", () => undefined);
        socket.write("220 smtp.example.test ESMTP\r\n");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("fails at TLS with the reason, and never sends the token", async () => {
      const { port } = server.address() as AddressInfo;
      const result = await runConnectionTest({ accountId: ada.account.id, port, secure: true });
      expectSkippedAfter(result, "tls");
      const tls = step(result, "tls");
      expect(tls.detail).toMatch(/did not verify/);
      expect(tls.detail).toMatch(/[A-Z_]{8,}/); // Node's code, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE
      expect(tls.explanation).toMatchObject({ title: "Certificate not trusted", replyId: "tls" });
      expect(tls.certificate).toBeUndefined();
      expect(received).not.toContain("AUTH");
    });
  });
});

describe("runConnectionTest follows the account's way of sending", () => {
  const ACCOUNT_PASSWORD = "correct horse battery staple";

  /** An account with a password and 2-Step Verification, as app passwords need. */
  async function appPasswordAccount(email: string) {
    const seeded = await seedUser(emu, email);
    emu.control.setPassword(email, ACCOUNT_PASSWORD);
    emu.control.setTwoStepVerification(email, true);
    return seeded;
  }

  async function reconnectReason(accountId: string) {
    const prisma = await db();
    return (await prisma.account.findUniqueOrThrow({ where: { id: accountId } })).reconnectReason;
  }

  it("signs in with AUTH PLAIN and the stored app password", async () => {
    const { account } = await appPasswordAccount("kay@example.com");
    const created = emu.control.createAppPassword("kay@example.com", { name: "Mailroom" });
    await storeAppPassword(account.id, created.password);
    const oauthAuthsBefore = emu.control.stats("kay@example.com").refreshes;

    const result = await runConnectionTest({ accountId: account.id });

    expectAllPassed(result);
    expect(result.way).toBe("app_password");
    const auth = step(result, "auth");
    expect(auth.detail).toMatch(
      /^Signed in as kay@example\.com with the app password \(AUTH PLAIN\)/,
    );
    expect(emu.control.stats("kay@example.com").refreshes).toBe(oauthAuthsBefore);
    const text = JSON.stringify(result);
    expect(text).not.toContain(created.password);
    expect(text).not.toContain(created.password.replace(/\s+/g, ""));
    expect(await reconnectReason(account.id)).toBeNull();
  });

  it("fails at sign-in with Gmail's 5.7.8 explanation once the app password is revoked, and pauses the account", async () => {
    const { account } = await appPasswordAccount("lou@example.com");
    const created = emu.control.createAppPassword("lou@example.com", { name: "Mailroom" });
    await storeAppPassword(account.id, created.password);
    expect(emu.control.revokeAppPassword("lou@example.com", created.id)).toBe(true);

    const result = await runConnectionTest({ accountId: account.id });

    expectSkippedAfter(result, "auth");
    const auth = step(result, "auth");
    expect(auth.reply).toMatch(/^535-5\.7\.8 Username and Password not accepted/);
    expect(auth.detail).toMatch(/^Gmail refused the app password \(AUTH PLAIN\): “535-5\.7\.8/);
    expect(auth.explanation?.replyId).toBe("5.7.8");
    expect(auth.explanation?.meaning).toMatch(/app password/);
    expect(auth.explanation?.fix).toMatch(/add it on the status page/);
    expect(await reconnectReason(account.id)).toBe(
      "Gmail refused the app password (535): it is wrong or was revoked. Add a new one on the status page.",
    );
    const text = JSON.stringify(result);
    expect(text).not.toContain(created.password);
    expect(text).not.toContain(created.password.replace(/\s+/g, ""));
  });

  it("fails with 534-5.7.9 when the account's own password was stored, and pauses the account", async () => {
    const { account } = await appPasswordAccount("max@example.com");
    await storeAppPassword(account.id, ACCOUNT_PASSWORD);

    const result = await runConnectionTest({ accountId: account.id });

    expectSkippedAfter(result, "auth");
    const auth = step(result, "auth");
    expect(auth.reply).toMatch(/^534-5\.7\.9 Application-specific password required/);
    expect(auth.explanation).toMatchObject({ replyId: "5.7.9" });
    expect(auth.explanation?.fix).toMatch(/app password/);
    expect(await reconnectReason(account.id)).toBe(
      "Gmail wants an app password, not the account's password (534). Add an app password on the status page.",
    );
    expect(JSON.stringify(result)).not.toContain(ACCOUNT_PASSWORD);
  });

  it("fails at sign-in without calling Gmail when no app password is stored", async () => {
    const { account } = await appPasswordAccount("ned@example.com");
    await setSendWay(account.id, "app_password");
    const authFailuresBefore = emu.control.stats("ned@example.com").authFailures;

    const result = await runConnectionTest({ accountId: account.id });

    expectSkippedAfter(result, "auth");
    const auth = step(result, "auth");
    expect(auth.detail).toMatch(/none is stored/);
    expect(auth.explanation?.title).toBe("No app password");
    expect(auth.explanation?.fix).toMatch(/^Add an app password on the status page/);
    expect(auth.reply).toBeUndefined();
    expect(emu.control.stats("ned@example.com").authFailures).toBe(authFailuresBefore);
  });

  /** A connected account whose tokens carry `scope`, sending with the Gmail API. */
  async function apiAccount(email: string, scope: string) {
    const tokens = emu.control.issueTokens(email, { clientId: TEST_CLIENT.clientId, scope });
    const { account } = await insertConnectedUser(email, tokens, scope);
    await setSendWay(account.id, "gmail_api");
    return { account, tokens };
  }

  it("tests the Gmail API's host and a refreshed token that carries only gmail.send", async () => {
    const { account, tokens } = await apiAccount(
      "ola@example.com",
      "openid email profile https://www.googleapis.com/auth/gmail.send",
    );
    const before = emu.control.stats("ola@example.com");

    const result = await runConnectionTest({ accountId: account.id });

    const api = new URL(emu.gmailApiUrl);
    expect(result).toMatchObject({
      ok: true,
      way: "gmail_api",
      host: api.hostname,
      port: Number(api.port),
      secure: false,
    });
    expect(result.steps.map((s) => [s.step, s.ok, s.skipped])).toEqual([
      ["dns", true, false],
      ["tcp", true, false],
      ["tls", true, false],
      ["auth", true, false],
    ]);
    expect(step(result, "tcp").connectedTo).toBe(`${api.hostname}:${api.port}`);
    expect(step(result, "tls").detail).toMatch(/plain http on a loopback address/);
    const auth = step(result, "auth");
    expect(auth.detail).toMatch(
      /^Access token works and carries gmail\.send \(https:\/\/www\.googleapis\.com\/auth\/gmail\.send\): Google refreshed it at /,
    );
    expect(auth.detail).toMatch(/sends nothing/);
    const after = emu.control.stats("ola@example.com");
    expect(after.refreshes).toBe(before.refreshes + 1);
    // Nothing was sent, over the API or SMTP.
    expect(after.messages).toBe(before.messages);
    expect(emu.control.messages({ email: "ola@example.com" })).toHaveLength(0);
    const text = JSON.stringify(result);
    expect(text).not.toContain(tokens.accessToken);
    expect(text).not.toContain(tokens.refreshToken);
  });

  it("fails the Gmail API check when the grant carries no sending scope", async () => {
    const { account } = await apiAccount(
      "pia@example.com",
      "openid email profile https://www.googleapis.com/auth/gmail.readonly",
    );

    const result = await runConnectionTest({ accountId: account.id });

    expectSkippedAfter(result, "auth");
    const auth = step(result, "auth");
    expect(auth.detail).toMatch(/does not carry gmail\.send: it has .*gmail\.readonly/);
    expect(auth.explanation?.title).toBe("Gmail API sending not granted");
    expect(auth.explanation?.fix).toMatch(/^Grant gmail\.send on the status page/);
    expect(emu.control.stats("pia@example.com").refreshes).toBe(0);
  });

  it("fails the Gmail API check with the reconnect explanation when Google refuses the refresh", async () => {
    const { account } = await apiAccount(
      "quin@example.com",
      "openid email profile https://www.googleapis.com/auth/gmail.send",
    );
    emu.control.revoke("quin@example.com");

    const result = await runConnectionTest({ accountId: account.id });

    expectSkippedAfter(result, "auth");
    expect(step(result, "auth").detail).toMatch(/^Google refused to refresh the access token/);
    expect(step(result, "auth").explanation?.title).toBe("Reconnect the Google account");
    expect(await reconnectReason(account.id)).not.toBeNull();
  });
});

describe("reachGmailApi over HTTPS", () => {
  let server: TlsServer;

  beforeAll(async () => {
    const cert = await issueServerCertificate(testCa(), ["localhost"]);
    server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => {
      socket.on("error", () => undefined);
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("resolves the API's host, connects and verifies its certificate, without SMTP", async () => {
    const { port } = server.address() as AddressInfo;
    const session = openSession(gmailApiTarget(`https://localhost:${port}`), 5_000);
    try {
      const steps = await reachGmailApi(session);
      expect(steps.map((s) => [s.step, s.ok])).toEqual([
        ["dns", true],
        ["tcp", true],
        ["tls", true],
      ]);
      const tls = steps[2]!;
      expect(tls.certificate?.verified).toBe(true);
      expect(tls.certificate?.issuer).toContain("Mailroom Test CA");
      expect(tls.detail).not.toMatch(/STARTTLS|plain http/);
    } finally {
      closeSession(session);
    }
  });

  it("explains a refused connection in terms of GMAIL_API_URL and HTTPS, not SMTP ports", async () => {
    const session = openSession(gmailApiTarget(`https://127.0.0.1:${await closedPort()}`), 5_000);
    try {
      const steps = await reachGmailApi(session);
      expect(steps.map((s) => [s.step, s.ok])).toEqual([
        ["dns", true],
        ["tcp", false],
      ]);
      const tcp = steps[1]!;
      expect(tcp.detail).toContain("ECONNREFUSED");
      expect(tcp.explanation?.title).toBe("Connection refused");
      expect(tcp.explanation?.fix).toMatch(/GMAIL_API_URL/);
      expect(tcp.explanation?.fix).toMatch(/443/);
      expect(tcp.explanation?.fix).not.toMatch(/465|587/);
    } finally {
      closeSession(session);
    }
  });
});

describe("getAccountStatus", () => {
  async function addMessage(
    owner: { userId: string; accountId: string },
    status: string,
    sentAt: Date | null = null,
    recipientCount = 1,
  ) {
    const prisma = await db();
    await prisma.message.create({
      data: {
        ...owner,
        status,
        sentAt,
        recipientCount,
        messageIdHeader: `<${randomUUID()}@mailroom.test>`,
        fromAddress: "someone@example.com",
        to: ["to@example.org"],
        cc: [],
        bcc: [],
        subject: "Hello",
        sizeBytes: 24,
        content: {
          create: {
            textBody: "Hi",
            mime: new Uint8Array(Buffer.from("Subject: Hello\r\n\r\nHi\r\n")),
          },
        },
      },
    });
  }

  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

  it("counts only this user's messages sent in the last 24 hours against Gmail's limit", async () => {
    const dee = await seedUser(emu, "dee@example.com");
    const eve = await seedUser(emu, "eve@example.com");
    const mine = { userId: dee.user.id, accountId: dee.account.id };
    const theirs = { userId: eve.user.id, accountId: eve.account.id };
    await addMessage(mine, "sent", hoursAgo(1));
    await addMessage(mine, "sent", hoursAgo(23.5));
    await addMessage(mine, "sent", hoursAgo(25)); // outside the rolling window
    await addMessage(mine, "failed");
    await addMessage(mine, "queued");
    await addMessage(mine, "deferred");
    for (let i = 0; i < 3; i++) await addMessage(theirs, "sent", hoursAgo(2));

    const status = await getAccountStatus(dee.user.id);

    expect(status?.account).toMatchObject({
      email: "dee@example.com",
      hostedDomain: null,
      kind: "gmail",
    });
    expect(status?.usage).toMatchObject({
      sentLast24h: 2,
      dailyLimit: 500,
      remaining: 498,
      nextSlotAt: null,
    });
    expect(status?.usage.dailyLimit).toBe(500);
    expect(status?.counts).toEqual({
      queued: 1,
      sending: 0,
      sent: 3,
      deferred: 1,
      failed: 1,
      canceled: 0,
    });
    expect(status?.waiting).toBe(2);
    expect(status?.token).toMatchObject({
      hasRefreshToken: true,
      accessTokenExpired: false,
      reconnectNeeded: false,
      reconnectReason: null,
    });
    expect(status?.token.scopes).toContain("https://mail.google.com/");

    const other = await getAccountStatus(eve.user.id);
    expect(other?.account.email).toBe("eve@example.com");
    expect(other?.usage.sentLast24h).toBe(3);
  });

  it("counts recipients against consumer Gmail's limit, and frees a slot by recipients", async () => {
    const hal = await seedUser(emu, "hal@example.com");
    const mine = { userId: hal.user.id, accountId: hal.account.id };
    await addMessage(mine, "sent", hoursAgo(5), 3);
    const second = hoursAgo(4);
    await addMessage(mine, "sent", second, 5);
    expect((await getAccountStatus(hal.user.id))?.usage).toMatchObject({
      sentLast24h: 8,
      dailyLimit: 500,
      remaining: 492,
      nextSlotAt: null,
    });

    // 8 + 495 = 503: back under 500 only once the two oldest sends (8) have left the window.
    await addMessage(mine, "sent", hoursAgo(3), 95);
    for (let i = 0; i < 4; i++) await addMessage(mine, "sent", hoursAgo(2), 100);
    const full = await getAccountStatus(hal.user.id);
    expect(full?.usage).toMatchObject({ sentLast24h: 503, remaining: 0 });
    expect(full?.usage.nextSlotAt?.getTime()).toBe(second.getTime() + 24 * 3_600_000);
  });

  it("uses the 2,000-message limit for a Google Workspace account", async () => {
    const fay = await seedUser(emu, "fay@corp.example");
    const prisma = await db();
    await prisma.account.update({
      where: { id: fay.account.id },
      data: { hostedDomain: "corp.example" },
    });
    await addMessage({ userId: fay.user.id, accountId: fay.account.id }, "sent", hoursAgo(3));

    const status = await getAccountStatus(fay.user.id);

    expect(status?.account).toMatchObject({ hostedDomain: "corp.example", kind: "workspace" });
    expect(status?.usage).toMatchObject({ sentLast24h: 1, dailyLimit: 2000, remaining: 1999 });
  });

  it("shows the limits Mailroom is configured with, not Gmail's defaults", async () => {
    const ivy = await seedUser(emu, "ivy@example.com");
    await addMessage({ userId: ivy.user.id, accountId: ivy.account.id }, "sent", hoursAgo(2));
    const settings = { ...limitSettings(), dailyLimit: 40, windowMs: 3_600_000 };
    const status = await getAccountStatus(ivy.user.id, new Date(), settings);
    expect(status?.usage).toMatchObject({ sentLast24h: 0, dailyLimit: 40, remaining: 40 });
    const daily = await getAccountStatus(ivy.user.id, new Date(), {
      ...settings,
      windowMs: 86_400_000,
    });
    expect(daily?.usage).toMatchObject({ sentLast24h: 1, dailyLimit: 40, remaining: 39 });
  });

  it("says when the next message may go once the limit is reached", async () => {
    const gus = await seedUser(emu, "gus@example.com");
    const prisma = await db();
    const oldest = hoursAgo(20);
    await prisma.message.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({
        userId: gus.user.id,
        accountId: gus.account.id,
        status: "sent",
        sentAt: i === 0 ? oldest : hoursAgo(1),
        messageIdHeader: `<${randomUUID()}@mailroom.test>`,
        fromAddress: "gus@example.com",
        to: [],
        cc: [],
        bcc: [],
        subject: "Bulk",
        sizeBytes: 0,
      })),
    });

    const status = await getAccountStatus(gus.user.id);

    expect(status?.usage.remaining).toBe(0);
    expect(status?.usage.nextSlotAt?.getTime()).toBe(oldest.getTime() + 24 * 3_600_000);
  });

  it("returns nothing for a user without a Google account, never someone else's", async () => {
    const prisma = await db();
    const lonely = await prisma.user.create({ data: { email: "lonely@example.com" } });
    expect(await getAccountStatus(lonely.id)).toBeNull();
    expect(await getAccountStatus("no-such-user")).toBeNull();
  });
});
