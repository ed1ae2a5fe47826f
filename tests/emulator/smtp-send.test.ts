// Sending through both Gmail listeners with XOAUTH2 and verified TLS, and what the mailbox keeps.
import { readFileSync } from "node:fs";
import { connect } from "node:tls";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { authenticatedSession, RawSmtp, smtpError, startTestEmulator, transport } from "./support";

let emu: Emulator;
let ada: { accessToken: string };

beforeAll(async () => {
  emu = await startTestEmulator({ accounts: [{ email: "ada@example.com", name: "Ada Lovelace" }] });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  ada = emu.control.issueTokens("ada@example.com");
});

const GMAIL_OK = /^250 2\.0\.0 OK {2}\d{10} [\w.-]+ - gsmtp$/;

describe.each(["465", "587"] as const)("sending on %s", (listener) => {
  it("accepts the message with Gmail's 250 and stores envelope, headers and raw MIME", async () => {
    const mailer = transport(emu, "ada@example.com", ada.accessToken, listener);
    const info = await mailer.sendMail({
      from: "Ada Lovelace <ada@example.com>",
      to: "Bob <bob@example.org>",
      cc: "carol@example.net",
      bcc: "audit@example.com",
      subject: `Engine notes over ${listener}`,
      text: "The engine weaves algebraic patterns.",
      messageId: `<notes-${listener}@example.com>`,
    });
    mailer.close();

    expect(info.response).toMatch(GMAIL_OK);
    expect(info.accepted).toEqual(["bob@example.org", "carol@example.net", "audit@example.com"]);

    const [stored, ...rest] = emu.control.messages({ email: "ada@example.com" });
    expect(rest).toHaveLength(0);
    expect(stored).toMatchObject({
      account: "ada@example.com",
      envelope: {
        mailFrom: "ada@example.com",
        rcptTo: ["bob@example.org", "carol@example.net", "audit@example.com"],
      },
      subject: `Engine notes over ${listener}`,
      messageId: `<notes-${listener}@example.com>`,
      from: '"Ada Lovelace" <ada@example.com>',
      to: '"Bob" <bob@example.org>',
      fromRewritten: false,
      listener: listener === "465" ? "smtps" : "starttls",
      port: listener === "465" ? emu.smtp.securePort : emu.smtp.starttlsPort,
      text: "The engine weaves algebraic patterns.\n",
    });
    expect(stored!.raw).toMatch(/^Subject: Engine notes over \d+\r$/m);
    expect(stored!.raw).toMatch(/^Cc: carol@example\.net\r$/m);
    expect(stored!.raw).not.toMatch(/^Bcc:/im);
    expect(stored!.size).toBe(Buffer.byteLength(stored!.raw));
    expect(stored!.headers).toContainEqual({
      name: "message-id",
      value: `<notes-${listener}@example.com>`,
    });
    expect(Date.parse(stored!.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(emu.control.message(stored!.id)?.raw).toBe(stored!.raw);
    // What the control hands out is a copy: editing it leaves the mailbox alone.
    stored!.envelope.rcptTo.length = 0;
    expect(emu.control.message(stored!.id)?.envelope.rcptTo).toHaveLength(3);
  });
});

describe("TLS", () => {
  it("verifies the certificate against the CA the emulator hands out, and fails without it", async () => {
    // An emulator with its own fresh CA: not the test CA in NODE_EXTRA_CA_CERTS.
    const own = await startEmulator();
    try {
      expect(readFileSync(own.caFile, "utf8")).toBe(own.caCertPem);
      const { accessToken } = own.control.issueTokens("ada@example.com");
      const mailer = (ca?: string) =>
        nodemailer.createTransport({
          host: "localhost",
          port: own.smtp.securePort,
          secure: true,
          auth: { type: "OAuth2", user: "ada@example.com", accessToken },
          tls: ca ? { ca } : {},
        });
      const mail = { from: "ada@example.com", to: "bob@example.org", subject: "TLS", text: "x" };

      const trusted = mailer(own.caCertPem);
      expect((await trusted.sendMail(mail)).response).toMatch(GMAIL_OK);
      trusted.close();

      const untrusted = mailer();
      const error = await smtpError(() => untrusted.sendMail(mail));
      untrusted.close();
      expect(error.code).toBe("ESOCKET");
      expect(error.message).toMatch(
        /self[- ]signed certificate in certificate chain|unable to verify/i,
      );
    } finally {
      await own.stop();
    }
  });

  it("serves a certificate for smtp.gmail.com, localhost and 127.0.0.1", async () => {
    for (const servername of ["smtp.gmail.com", "localhost"]) {
      const socket = connect({ host: "127.0.0.1", port: emu.smtp.securePort, servername });
      await new Promise<void>((resolve, reject) => {
        socket.once("secureConnect", resolve);
        socket.once("error", reject);
      });
      expect(socket.authorized).toBe(true);
      socket.destroy();
    }
  });
});

describe("the SMTP conversation", () => {
  it("greets, answers and says goodbye in Gmail's words", async () => {
    const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    const greeting = await smtp.reply();
    const id = /^220 smtp\.gmail\.com ESMTP ([\w.-]+) - gsmtp$/.exec(greeting)?.[1];
    expect(id).toBeTruthy();

    expect((await smtp.command("EHLO client.example")).split("\r\n")).toEqual([
      "250-smtp.gmail.com at your service, [127.0.0.1]",
      "250-SIZE 35882577",
      "250-8BITMIME",
      "250-AUTH LOGIN PLAIN XOAUTH2",
      "250-ENHANCEDSTATUSCODES",
      "250-PIPELINING",
      "250 SMTPUTF8",
    ]);
    expect(
      await smtp.command(
        `AUTH XOAUTH2 ${Buffer.from(`user=ada@example.com\x01auth=Bearer ${ada.accessToken}\x01\x01`).toString("base64")}`,
      ),
    ).toBe("235 2.7.0 Accepted");
    expect(await smtp.command("MAIL FROM:<ada@example.com>")).toBe(`250 2.1.0 OK ${id} - gsmtp`);
    expect(await smtp.command("RCPT TO:<bob@example.org>")).toBe(`250 2.1.5 OK ${id} - gsmtp`);
    expect(await smtp.command("DATA")).toBe(`354 Go ahead ${id} - gsmtp`);
    const done = await smtp.command("Subject: raw\r\n\r\nhello\r\n.");
    expect(done).toMatch(
      new RegExp(`^250 2\\.0\\.0 OK {2}\\d{10} ${id!.replace(/\./g, "\\.")} - gsmtp$`),
    );
    expect(await smtp.command("NOOP")).toBe(`250 2.0.0 OK ${id} - gsmtp`);
    expect(await smtp.command("QUIT")).toBe(`221 2.0.0 closing connection ${id} - gsmtp`);
    await smtp.closed;
    expect(emu.control.messages()[0]?.subject).toBe("raw");
  });

  it("gives every connection its own session id", async () => {
    const one = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    const two = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    const [a, b] = [await one.reply(), await two.reply()];
    one.close();
    two.close();
    expect(a).not.toBe(b);
  });

  it("counts connections, sign-ins and messages per account and in total", async () => {
    const mailer = transport(emu, "ada@example.com", ada.accessToken);
    await mailer.sendMail({ from: "ada@example.com", to: "b@example.org", text: "1" });
    await mailer.sendMail({ from: "ada@example.com", to: "b@example.org", text: "2" });
    mailer.close();
    const anonymous = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    await anonymous.reply();
    anonymous.close();
    const session = await authenticatedSession(emu, "ada@example.com", ada.accessToken);
    session.close();

    expect(emu.control.stats("ada@example.com")).toEqual({
      tokenGrants: 0,
      refreshes: 0,
      smtpConnections: 3,
      auths: 3,
      authFailures: 0,
      messages: 2,
    });
    const all = emu.control.stats();
    expect(all.total).toMatchObject({ smtpConnections: 4, auths: 3, messages: 2 });
    expect(Object.keys(all.accounts)).toEqual(["ada@example.com"]);
  });

  it("marks a From that Gmail would rewrite: not the account or an accepted alias", async () => {
    emu.control.setAliases("ada@example.com", [
      { sendAsEmail: "ada@analytical.example", verificationStatus: "accepted" },
      { sendAsEmail: "pending@analytical.example", verificationStatus: "pending" },
    ]);
    const mailer = transport(emu, "ada@example.com", ada.accessToken);
    for (const from of [
      "ada@analytical.example",
      "pending@analytical.example",
      "ADA@example.com",
    ]) {
      await mailer.sendMail({ from, to: "b@example.org", subject: from, text: "x" });
    }
    mailer.close();
    const rewritten = Object.fromEntries(
      emu.control.messages().map((m) => [m.subject, m.fromRewritten]),
    );
    expect(rewritten).toEqual({
      "ada@analytical.example": false,
      "pending@analytical.example": true,
      "ADA@example.com": false,
    });
  });
});
