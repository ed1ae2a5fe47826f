// XOAUTH2 and STARTTLS as Gmail enforces them: which tokens sign in, and the exact refusals.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import {
  fakeClock,
  RawSmtp,
  smtpError,
  startTestEmulator,
  transport,
  xoauth2,
  type Listener,
} from "./support";

const clock = fakeClock();
let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator({ now: clock.now });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
});

const CHALLENGE =
  "334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==";
const BAD_CREDENTIALS =
  /^535-5\.7\.8 Username and Password not accepted\. For more information, go to\n535 5\.7\.8 {2}https:\/\/support\.google\.com\/mail\/\?p=BadCredentials [\w.-]+ - gsmtp$/;

async function refusedSignIn(user: string, accessToken: string, listener: Listener = "465") {
  const mailer = transport(emu, user, accessToken, listener);
  const error = await smtpError(() =>
    mailer.sendMail({ from: user, to: "bob@example.org", subject: "x", text: "x" }),
  );
  mailer.close();
  return error;
}

describe("STARTTLS on the 587-style listener", () => {
  it("refuses MAIL and AUTH before STARTTLS with 530 and advertises AUTH only after it", async () => {
    const smtp = await RawSmtp.connect(emu.smtp.starttlsPort, { secure: false });
    const greeting = await smtp.reply();
    const id = /^220 smtp\.gmail\.com ESMTP (\S+) - gsmtp$/.exec(greeting)?.[1] ?? "";
    const before = await smtp.command("EHLO client.example");
    expect(before).toContain("250-STARTTLS");
    expect(before).not.toContain("AUTH");

    expect(await smtp.command("MAIL FROM:<ada@example.com>")).toBe(
      `530 5.7.0 Must issue a STARTTLS command first. ${id} - gsmtp`,
    );
    expect(await smtp.command("AUTH XOAUTH2 dGVzdA==")).toBe(
      `530 5.7.0 Must issue a STARTTLS command first. ${id} - gsmtp`,
    );

    expect(await smtp.startTls()).toBe("220 2.0.0 Ready to start TLS");
    const after = await smtp.command("EHLO client.example");
    expect(after).toContain("250-AUTH LOGIN PLAIN XOAUTH2");
    expect(after).not.toContain("STARTTLS");

    // After TLS, MAIL before AUTH gets Gmail's two-line "Authentication Required".
    expect((await smtp.command("MAIL FROM:<ada@example.com>")).split("\r\n")).toEqual([
      "530-5.7.0 Authentication Required. For more information, go to",
      `530 5.7.0  https://support.google.com/mail/?p=WantAuthError ${id} - gsmtp`,
    ]);
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    expect(await smtp.command(`AUTH XOAUTH2 ${xoauth2("ada@example.com", accessToken)}`)).toBe(
      "235 2.7.0 Accepted",
    );
    expect(await smtp.command("MAIL FROM:<ada@example.com>")).toBe(`250 2.1.0 OK ${id} - gsmtp`);
    smtp.close();
  });
});

describe("XOAUTH2", () => {
  it("answers a bad token with Gmail's 334 challenge, then 535-5.7.8", async () => {
    const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    await smtp.reply();
    await smtp.command("EHLO client.example");
    expect(await smtp.command(`AUTH XOAUTH2 ${xoauth2("ada@example.com", "ya29.made-up")}`)).toBe(
      CHALLENGE,
    );
    expect((await smtp.command("")).replace("\r\n", "\n")).toMatch(BAD_CREDENTIALS);
    // The session goes on: Gmail lets the client try again.
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    expect(await smtp.command(`AUTH XOAUTH2 ${xoauth2("ada@example.com", accessToken)}`)).toBe(
      "235 2.7.0 Accepted",
    );
    smtp.close();
    expect(emu.control.stats("ada@example.com")).toMatchObject({ auths: 1, authFailures: 1 });
  });

  it.each(["465", "587"] as const)("reports 535-5.7.8 to nodemailer on %s", async (listener) => {
    const error = await refusedSignIn("ada@example.com", "ya29.made-up", listener);
    expect(error.code).toBe("EAUTH");
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(BAD_CREDENTIALS);
    expect(error.command).toBe("AUTH XOAUTH2");
  });

  it("refuses an expired access token (on the emulator's clock)", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    clock.advance(3600 * 1000);
    const error = await refusedSignIn("ada@example.com", accessToken);
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(BAD_CREDENTIALS);
  });

  it("refuses a revoked token", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    emu.control.revoke("ada@example.com");
    const error = await refusedSignIn("ada@example.com", accessToken);
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(BAD_CREDENTIALS);
  });

  it("ends a signed-in session when the account's access is revoked, not when its token expires", async () => {
    async function signedIn(email: string): Promise<RawSmtp> {
      const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
      await smtp.reply();
      await smtp.command("EHLO client.example");
      const { accessToken } = emu.control.issueTokens(email);
      expect(await smtp.command(`AUTH XOAUTH2 ${xoauth2(email, accessToken)}`)).toBe(
        "235 2.7.0 Accepted",
      );
      return smtp;
    }
    const ada = await signedIn("ada@example.com");
    const grace = await signedIn("grace@example.com");
    clock.advance(3600 * 1000);
    expect(await ada.command("MAIL FROM:<ada@example.com>")).toMatch(/^250 2\.1\.0 OK /);

    emu.control.revoke("ada@example.com");
    expect(await ada.command("RCPT TO:<bob@example.org>")).toMatch(
      /^421 4\.7\.0 Try again later, closing connection\. [\w.-]+ - gsmtp$/,
    );
    await ada.closed;
    expect(await grace.command("MAIL FROM:<grace@example.com>")).toMatch(/^250 2\.1\.0 OK /);
    grace.close();
  });

  it("refuses a token without https://mail.google.com/ (gmail.send is not enough for SMTP)", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", {
      scope: "openid email https://www.googleapis.com/auth/gmail.send",
    });
    const error = await refusedSignIn("ada@example.com", accessToken);
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(BAD_CREDENTIALS);
  });

  it("refuses another account's token", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    const error = await refusedSignIn("grace@example.com", accessToken);
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(BAD_CREDENTIALS);
    // nodemailer retries once with the same token: two refusals, both counted.
    expect(emu.control.stats("grace@example.com")).toMatchObject({ auths: 0, authFailures: 2 });
  });

  it("accepts the user= address in any letter case", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    const mailer = transport(emu, "Ada@Example.com", accessToken);
    const info = await mailer.sendMail({ from: "ada@example.com", to: "b@example.org", text: "x" });
    mailer.close();
    expect(info.response).toMatch(/^250 2\.0\.0 OK/);
  });

  it("answers malformed SASL and other mechanisms with Gmail-style errors", async () => {
    const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    const id = /ESMTP (\S+) - gsmtp/.exec(await smtp.reply())?.[1] ?? "";
    await smtp.command("EHLO client.example");
    expect(await smtp.command("AUTH XOAUTH2 %%%not-base64%%%")).toBe(
      `501 5.5.2 Cannot Decode response. ${id} - gsmtp`,
    );
    expect(
      await smtp.command(`AUTH XOAUTH2 ${Buffer.from("user=ada@example.com").toString("base64")}`),
    ).toBe(`501 5.5.2 Cannot Decode response. ${id} - gsmtp`);
    expect(await smtp.command("AUTH XOAUTH2 a b")).toBe(
      `501 5.5.2 Cannot Decode response. ${id} - gsmtp`,
    );
    expect(await smtp.command("AUTH CRAM-MD5")).toBe(
      `504 5.7.4 Unrecognized authentication type. ${id} - gsmtp`,
    );
    expect(await smtp.command("AUTH XOAUTH2")).toBe("334 ");
    expect(await smtp.command("*")).toBe(`501 5.7.0 Authentication aborted. ${id} - gsmtp`);
    smtp.close();
  });
});
