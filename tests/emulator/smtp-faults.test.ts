// Injected failures and stalls: each Gmail reply reproduced at the stage asked for.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { authenticatedSession, RawSmtp, smtpError, startTestEmulator, transport } from "./support";

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  token = emu.control.issueTokens("ada@example.com").accessToken;
});

const mail = { from: "ada@example.com", to: "bob@example.org", subject: "Fault", text: "x" };

async function sendExpectingError(user = "ada@example.com", accessToken = token) {
  const mailer = transport(emu, user, accessToken);
  const error = await smtpError(() => mailer.sendMail({ ...mail, from: user }));
  mailer.close();
  return error;
}

async function send(user = "ada@example.com", accessToken = token) {
  const mailer = transport(emu, user, accessToken);
  const info = await mailer.sendMail({ ...mail, from: user });
  mailer.close();
  return info;
}

describe("failNext", () => {
  it("answers 421 after DATA and closes the connection, as Gmail does", async () => {
    emu.control.failNext(1, "421 4.7.0 Try again later, closing connection.");
    const session = await authenticatedSession(emu, "ada@example.com", token);
    await session.command("MAIL FROM:<ada@example.com>");
    await session.command("RCPT TO:<bob@example.org>");
    await session.command("DATA");
    const reply = await session.command("Subject: x\r\n\r\nbody\r\n.");
    expect(reply).toMatch(/^421 4\.7\.0 Try again later, closing connection\. [\w.-]+ - gsmtp$/);
    await session.closed;
    expect(emu.control.messages()).toHaveLength(0);
    // Only the next transaction: the one after goes through.
    expect((await send()).response).toMatch(/^250 2\.0\.0 OK/);
  });

  it("gives nodemailer the 421 code and text", async () => {
    emu.control.failNext(1, "421 4.7.0 Try again later, closing connection.");
    const error = await sendExpectingError();
    expect(error.responseCode).toBe(421);
    expect(error.response).toMatch(
      /^421 4\.7\.0 Try again later, closing connection\. [\w.-]+ - gsmtp$/,
    );
  });

  it("answers 451 4.3.0 after DATA", async () => {
    emu.control.failNext(1, "451 4.3.0 Mail server temporarily rejected message.");
    const error = await sendExpectingError();
    expect(error.code).toBe("EMESSAGE");
    expect(error.responseCode).toBe(451);
    expect(error.response).toMatch(
      /^451 4\.3\.0 Mail server temporarily rejected message\. [\w.-]+ - gsmtp$/,
    );
  });

  it("answers 454 4.7.0 at AUTH", async () => {
    emu.control.failNext(1, "454 4.7.0 Too many login attempts, please try again later.", {
      stage: "auth",
    });
    const error = await sendExpectingError();
    expect(error.code).toBe("EAUTH");
    expect(error.responseCode).toBe(454);
    expect(error.response).toMatch(
      /^454 4\.7\.0 Too many login attempts, please try again later\. [\w.-]+ - gsmtp$/,
    );
  });

  it("completes 550-5.4.5 into Gmail's two-line reply", async () => {
    emu.control.failNext(1, "550-5.4.5 Daily user sending quota exceeded.");
    const error = await sendExpectingError();
    expect(error.responseCode).toBe(550);
    expect(error.response).toMatch(
      /^550-5\.4\.5 Daily user sending quota exceeded\. For more information, go to\n550 5\.4\.5 {2}https:\/\/support\.google\.com\/mail\/\?p=ReachedLimit [\w.-]+ - gsmtp$/,
    );
  });

  it("sends a multi-line reply as given", async () => {
    emu.control.failNext(
      1,
      "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's\r\n550 5.7.26 DMARC policy.",
    );
    const error = await sendExpectingError();
    expect(error.response).toMatch(
      /^550-5\.7\.26 Unauthenticated email from example\.com is not accepted due to domain's\n550 5\.7\.26 DMARC policy\. [\w.-]+ - gsmtp$/,
    );
  });

  it("sends a reply without an enhanced status code exactly as written", async () => {
    emu.control.failNext(1, "450 Mailbox busy, try again");
    const error = await sendExpectingError();
    expect(error.response).toMatch(/^450 Mailbox busy, try again [\w.-]+ - gsmtp$/);
  });

  it.each([
    ["mail", "MAIL FROM"],
    ["rcpt", "RCPT TO"],
  ] as const)("fails at %s when asked", async (stage, command) => {
    emu.control.failNext(1, "451 4.3.0 Mail server temporarily rejected message.", { stage });
    const error = await sendExpectingError();
    expect(error.responseCode).toBe(451);
    expect(error.command).toBe(command);
  });

  it("fails at connect with the greeting replaced", async () => {
    emu.control.failNext(1, "421 4.7.0 Try again later, closing connection.", { stage: "connect" });
    const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
    expect(await smtp.reply()).toMatch(
      /^421 4\.7\.0 Try again later, closing connection\. \S+ - gsmtp$/,
    );
    await smtp.closed;
  });

  it("fails N transactions, only for the account named", async () => {
    const grace = emu.control.issueTokens("grace@example.com").accessToken;
    emu.control.failNext(2, "451 4.3.0 Mail server temporarily rejected message.", {
      email: "grace@example.com",
    });
    expect((await send()).response).toMatch(/^250/);
    expect((await sendExpectingError("grace@example.com", grace)).responseCode).toBe(451);
    expect((await sendExpectingError("grace@example.com", grace)).responseCode).toBe(451);
    expect((await send("grace@example.com", grace)).response).toMatch(/^250/);
  });

  it("refuses a reply that is not a 4xx/5xx SMTP reply", () => {
    expect(() => emu.control.failNext(1, "250 OK")).toThrow(/4xx or 5xx/);
    expect(() => emu.control.failNext(1, "try again")).toThrow(/Not an SMTP reply/);
    expect(() => emu.control.failNext(0, "451 4.3.0 x")).toThrow(/positive integer/);
  });

  it("is cleared by reset", async () => {
    emu.control.failNext(5, "451 4.3.0 Mail server temporarily rejected message.");
    emu.control.reset();
    expect((await send()).response).toMatch(/^250/);
  });
});

describe("stallNext", () => {
  it("drops the connection mid-DATA: the client sees a connection error and nothing is stored", async () => {
    emu.control.stallNext(1, { action: "drop", afterBytes: 1000 });
    const mailer = transport(emu, "ada@example.com", token);
    const error = await smtpError(() => mailer.sendMail({ ...mail, text: "y".repeat(50_000) }));
    mailer.close();
    expect(["ECONNECTION", "ESOCKET"]).toContain(error.code);
    expect(error.responseCode).toBeUndefined();
    expect(emu.control.messages()).toHaveLength(0);
    expect((await send()).response).toMatch(/^250/);
  });

  it("holds the final reply for the delay asked for", async () => {
    emu.control.stallNext(1, { action: "delay", ms: 600 });
    const started = Date.now();
    const info = await send();
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(info.response).toMatch(/^250 2\.0\.0 OK/);
    const quick = Date.now();
    await send();
    expect(Date.now() - quick).toBeLessThan(600);
  });
});

describe("random fault rate", () => {
  it("fails about the given share of transactions with temporary replies or drops, and stops when cleared", async () => {
    const emu = await startTestEmulator();
    try {
      const { accessToken } = emu.control.issueTokens("chaos@example.com");
      let seed = 7;
      const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      emu.control.setFaultRate({ rate: 0.3, dropShare: 0.25, random });
      const outcomes: string[] = [];
      for (let i = 0; i < 60; i++) {
        const smtp = transport(emu, "chaos@example.com", accessToken);
        try {
          await smtp.sendMail({
            from: "chaos@example.com",
            to: "bob@example.org",
            subject: `m${i}`,
            text: "x",
          });
          outcomes.push("250");
        } catch (error) {
          const e = error as { responseCode?: number; code?: string };
          outcomes.push(e.responseCode ? String(e.responseCode) : (e.code ?? "error"));
        } finally {
          smtp.close();
        }
      }
      const failed = outcomes.filter((o) => o !== "250");
      expect(failed.length).toBeGreaterThan(8);
      expect(failed.length).toBeLessThan(30);
      expect(failed.every((o) => ["421", "451", "454"].includes(o) || o.startsWith("E"))).toBe(
        true,
      );
      expect(emu.control.messages()).toHaveLength(outcomes.length - failed.length);

      emu.control.setFaultRate(null);
      const smtp = transport(emu, "chaos@example.com", accessToken);
      await expect(
        smtp.sendMail({
          from: "chaos@example.com",
          to: "bob@example.org",
          subject: "calm",
          text: "x",
        }),
      ).resolves.toBeDefined();
      smtp.close();
    } finally {
      await emu.stop();
    }
  });
});
