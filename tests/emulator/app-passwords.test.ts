// App passwords: SMTP AUTH PLAIN/LOGIN over TLS signs in with one, only while 2-Step
// Verification is on; the account's own password and a wrong one get Gmail's exact refusals.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { RawSmtp, smtpError, startTestEmulator, transport, type Listener } from "./support";

const ADA = "ada@example.com";
const ACCOUNT_PASSWORD = "correct horse battery staple";
let emu: Emulator;
const log: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: [{ email: ADA, password: ACCOUNT_PASSWORD, twoStepVerification: true }],
    log: (line) => log.push(line),
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  emu.control.setTwoStepVerification(ADA, true);
});

const APP_PASSWORD_REQUIRED =
  /^534-5\.7\.9 Application-specific password required\. For more information, go to\n534 5\.7\.9 {2}https:\/\/support\.google\.com\/mail\/\?p=InvalidSecondFactor [\w.-]+ - gsmtp$/;
const BAD_CREDENTIALS =
  /^535-5\.7\.8 Username and Password not accepted\. For more information, go to\n535 5\.7\.8 {2}https:\/\/support\.google\.com\/mail\/\?p=BadCredentials [\w.-]+ - gsmtp$/;

function passwordTransport(
  user: string,
  pass: string,
  listener: Listener,
  authMethod: "PLAIN" | "LOGIN" = "PLAIN",
) {
  const secure = listener === "465";
  return nodemailer.createTransport({
    host: "localhost",
    port: secure ? emu.smtp.securePort : emu.smtp.starttlsPort,
    secure,
    requireTLS: !secure,
    auth: { user, pass },
    authMethod,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  });
}

async function sendWith(pass: string, listener: Listener = "465", authMethod?: "PLAIN" | "LOGIN") {
  const mailer = passwordTransport(ADA, pass, listener, authMethod);
  try {
    return await mailer.sendMail({ from: ADA, to: "bob@example.org", subject: "Hi", text: "x" });
  } finally {
    mailer.close();
  }
}

describe("signing in with an app password", () => {
  it("is 16 lowercase letters shown in groups of four, and never listed again", () => {
    const created = emu.control.createAppPassword(ADA, { name: "Mailroom" });
    expect(created.password).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    expect(emu.control.appPasswords(ADA)).toEqual([
      { id: created.id, name: "Mailroom", createdAt: created.createdAt },
    ]);
  });

  for (const [listener, method] of [
    ["465", "PLAIN"],
    ["465", "LOGIN"],
    ["587", "PLAIN"],
    ["587", "LOGIN"],
  ] as const) {
    it(`sends over ${listener} with AUTH ${method}, with or without the spaces`, async () => {
      const { password } = emu.control.createAppPassword(ADA);
      log.length = 0;
      const spaced = await sendWith(password, listener, method);
      expect(log.some((line) => line.includes(` C: AUTH ${method}`))).toBe(true);
      // The password never reaches the log.
      const secrets = [
        password,
        password.replace(/ /g, ""),
        Buffer.from(password).toString("base64"),
      ];
      expect(log.filter((line) => secrets.some((secret) => line.includes(secret)))).toEqual([]);
      expect(spaced.response).toMatch(/^250 2\.0\.0 OK {2}\d+ [\w.-]+ - gsmtp$/);
      await sendWith(password.replace(/ /g, ""), listener, method);
      const stored = emu.control.messages({ email: ADA });
      expect(stored).toHaveLength(2);
      expect(stored[0]).toMatchObject({
        via: "smtp",
        credential: "app-password",
        listener: listener === "465" ? "smtps" : "starttls",
      });
      expect(emu.control.stats(ADA)).toMatchObject({ auths: 2, authFailures: 0, messages: 2 });
    });
  }

  it("answers the account's own password with 534-5.7.9 Application-specific password required", async () => {
    emu.control.createAppPassword(ADA);
    for (const listener of ["465", "587"] as const) {
      const error = await smtpError(() => sendWith(ACCOUNT_PASSWORD, listener));
      expect(error.code).toBe("EAUTH");
      expect(error.responseCode).toBe(534);
      expect(error.response).toMatch(APP_PASSWORD_REQUIRED);
    }
    expect(emu.control.messages()).toHaveLength(0);
  });

  it("answers a wrong password, or an unknown account, with 535-5.7.8", async () => {
    emu.control.createAppPassword(ADA);
    const wrong = await smtpError(() => sendWith("abcd efgh ijkl mnop"));
    expect(wrong.responseCode).toBe(535);
    expect(wrong.response).toMatch(BAD_CREDENTIALS);

    const mailer = passwordTransport("nobody@example.com", "abcdefghijklmnop", "465");
    const unknown = await smtpError(() =>
      mailer.sendMail({ from: "nobody@example.com", to: "bob@example.org", text: "x" }),
    );
    mailer.close();
    expect(unknown.response).toMatch(BAD_CREDENTIALS);
  });

  it("answers the account password with 535-5.7.8 when 2-Step Verification is off", async () => {
    emu.control.setTwoStepVerification(ADA, false);
    const error = await smtpError(() => sendWith(ACCOUNT_PASSWORD));
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(BAD_CREDENTIALS);
  });

  it("leaves XOAUTH2 working on an account with 2-Step Verification", async () => {
    const { accessToken } = emu.control.issueTokens(ADA);
    const mailer = transport(emu, ADA, accessToken, "587");
    await mailer.sendMail({ from: ADA, to: "bob@example.org", text: "x" });
    mailer.close();
    expect(emu.control.messages()[0]).toMatchObject({ via: "smtp", credential: "oauth" });
  });

  it("refuses AUTH PLAIN before STARTTLS on the 587-style listener", async () => {
    const { password } = emu.control.createAppPassword(ADA);
    const smtp = await RawSmtp.connect(emu.smtp.starttlsPort, { secure: false });
    const id = /ESMTP (\S+) - gsmtp/.exec(await smtp.reply())?.[1] ?? "";
    await smtp.command("EHLO client.example");
    const plain = Buffer.from(`\0${ADA}\0${password}`).toString("base64");
    expect(await smtp.command(`AUTH PLAIN ${plain}`)).toBe(
      `530 5.7.0 Must issue a STARTTLS command first. ${id} - gsmtp`,
    );
    smtp.close();
  });
});

describe("app passwords and 2-Step Verification", () => {
  it("cannot be created while 2-Step Verification is off", () => {
    emu.control.setTwoStepVerification(ADA, false);
    expect(() => emu.control.createAppPassword(ADA)).toThrow(/2-Step Verification/);
  });

  it("stop working when revoked, when 2-Step Verification is turned off, or the password changes", async () => {
    const revoked = emu.control.createAppPassword(ADA);
    const kept = emu.control.createAppPassword(ADA);
    expect(emu.control.revokeAppPassword(ADA, revoked.id)).toBe(true);
    expect((await smtpError(() => sendWith(revoked.password))).response).toMatch(BAD_CREDENTIALS);
    await sendWith(kept.password);

    emu.control.setTwoStepVerification(ADA, false);
    emu.control.setTwoStepVerification(ADA, true);
    expect(emu.control.appPasswords(ADA)).toEqual([]);
    expect((await smtpError(() => sendWith(kept.password))).response).toMatch(BAD_CREDENTIALS);

    const beforeChange = emu.control.createAppPassword(ADA);
    emu.control.setPassword(ADA, "a new account password");
    expect((await smtpError(() => sendWith(beforeChange.password))).response).toMatch(
      BAD_CREDENTIALS,
    );
    emu.control.setPassword(ADA, ACCOUNT_PASSWORD);
  });
});

describe("revoking an app password ends the sessions signed in with it", () => {
  const TRY_AGAIN = /^421 4\.7\.0 Try again later, closing connection\. [\w.-]+ - gsmtp$/;

  function pooled(pass: string) {
    return nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      host: "localhost",
      port: emu.smtp.securePort,
      secure: true,
      auth: { user: ADA, pass },
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    });
  }

  const mail = (subject: string) => ({ from: ADA, to: "bob@example.org", subject, text: "x" });

  async function signedInRaw(password: string): Promise<RawSmtp> {
    const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    await smtp.reply();
    await smtp.command("EHLO client.example");
    const plain = Buffer.from(`\0${ADA}\0${password}`).toString("base64");
    expect(await smtp.command(`AUTH PLAIN ${plain}`)).toBe("235 2.7.0 Accepted");
    return smtp;
  }

  it("stops a pooled transport at its next send; a session with another app password keeps sending", async () => {
    const revoked = emu.control.createAppPassword(ADA, { name: "Revoked" });
    const kept = emu.control.createAppPassword(ADA, { name: "Kept" });
    const gone = pooled(revoked.password);
    const staying = pooled(kept.password);
    try {
      await gone.sendMail(mail("before"));
      await staying.sendMail(mail("before, kept"));
      expect(emu.control.stats(ADA)).toMatchObject({ auths: 2, messages: 2 });

      expect(emu.control.revokeAppPassword(ADA, revoked.id)).toBe(true);
      log.length = 0;
      // The session signed in with the revoked password is answered 421 and closed; nodemailer
      // takes the 421 as "try another connection", and signing in again is refused.
      const refused = await smtpError(() => gone.sendMail(mail("after")));
      expect(refused.code).toBe("EAUTH");
      expect(refused.response).toMatch(BAD_CREDENTIALS);
      const closed = log.filter((line) => / S: 421 /.test(line));
      expect(closed).toHaveLength(1);
      expect(closed[0]).toMatch(
        / S: 421 4\.7\.0 Try again later, closing connection\. [\w.-]+ - gsmtp$/,
      );
      expect(emu.control.stats(ADA)).toMatchObject({ auths: 2, authFailures: 1, messages: 2 });

      // The other app password's session was never interrupted: no second sign-in.
      await staying.sendMail(mail("after, kept"));
      expect(emu.control.stats(ADA)).toMatchObject({ auths: 2, messages: 3 });
      expect(emu.control.messages({ email: ADA }).map((m) => m.subject)).toEqual([
        "after, kept",
        "before, kept",
        "before",
      ]);
    } finally {
      gone.close();
      staying.close();
    }
  });

  it("answers the next command 421 in the middle of a transaction, after a message already accepted", async () => {
    const { id, password } = emu.control.createAppPassword(ADA);
    const smtp = await signedInRaw(password);
    expect(await smtp.command(`MAIL FROM:<${ADA}>`)).toMatch(/^250 2\.1\.0 OK/);
    expect(await smtp.command("RCPT TO:<bob@example.org>")).toMatch(/^250 2\.1\.5 OK/);
    expect(await smtp.command("DATA")).toMatch(/^354 /);
    smtp.write("Subject: accepted before the revocation\r\n\r\nx\r\n.\r\n");
    expect(await smtp.reply()).toMatch(/^250 2\.0\.0 OK {2}\d+ /);

    expect(await smtp.command(`MAIL FROM:<${ADA}>`)).toMatch(/^250 2\.1\.0 OK/);
    emu.control.revokeAppPassword(ADA, id);
    expect(await smtp.command("RCPT TO:<bob@example.org>")).toMatch(TRY_AGAIN);
    await smtp.closed;
    expect(emu.control.messages({ email: ADA }).map((m) => m.subject)).toEqual([
      "accepted before the revocation",
    ]);
  });

  it("also ends them when the password changes or 2-Step Verification is turned off", async () => {
    for (const change of [
      () => emu.control.setPassword(ADA, ACCOUNT_PASSWORD),
      () => emu.control.setTwoStepVerification(ADA, false),
    ]) {
      emu.control.setTwoStepVerification(ADA, true);
      const smtp = await signedInRaw(emu.control.createAppPassword(ADA).password);
      expect(await smtp.command("NOOP")).toMatch(/^250 /);
      change();
      expect(await smtp.command("NOOP")).toMatch(TRY_AGAIN);
      await smtp.closed;
    }
  });

  it("ends them when revoked over the control API", async () => {
    const { id, password } = emu.control.createAppPassword(ADA);
    const smtp = await signedInRaw(password);
    const response = await fetch(`${emu.issuer}/control/revoke-app-password`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: ADA, id }),
    });
    expect(await response.json()).toEqual({ revoked: true });
    expect(await smtp.command(`MAIL FROM:<${ADA}>`)).toMatch(TRY_AGAIN);
    await smtp.closed;
  });
});

describe("app passwords over the control API", () => {
  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${emu.issuer}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("sets the password and 2-Step Verification, creates, lists and revokes", async () => {
    const grace = "grace@example.com";
    const set = await call("PUT", `/control/accounts/${grace}`, {
      password: "grace's own password",
      twoStepVerification: false,
    });
    expect(set.status).toBe(200);
    expect(set.body.account).toMatchObject({ hasPassword: true, twoStepVerification: false });
    expect(JSON.stringify(set.body)).not.toContain("grace's own password");

    const refused = await call("POST", "/control/app-passwords", { email: grace });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: "invalid_request" } });

    await call("PUT", `/control/accounts/${grace}`, { twoStepVerification: true });
    const created = await call("POST", "/control/app-passwords", {
      email: grace,
      name: "Mailroom",
    });
    expect(created.status).toBe(200);
    expect(created.body.password).toMatch(/^[a-z]{4}( [a-z]{4}){3}$/);

    const listed = await call("GET", `/control/app-passwords?email=${grace}`);
    expect(listed.body).toEqual({
      appPasswords: [{ id: created.body.id, name: "Mailroom", createdAt: created.body.createdAt }],
    });

    const revoked = await call("POST", "/control/revoke-app-password", {
      email: grace,
      id: created.body.id,
    });
    expect(revoked.body).toEqual({ revoked: true });
    expect((await call("GET", `/control/app-passwords?email=${grace}`)).body).toEqual({
      appPasswords: [],
    });
  });
});
