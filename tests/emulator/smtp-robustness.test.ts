// Garbage, abuse and commands out of order: Gmail-like errors, never a crash.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { authenticatedSession, RawSmtp, startTestEmulator, transport } from "./support";

let emu: Emulator;
let token: string;
const logs: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({ log: (line) => logs.push(line) });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  token = emu.control.issueTokens("ada@example.com").accessToken;
});

async function stillServing(): Promise<void> {
  const mailer = transport(emu, "ada@example.com", token);
  const info = await mailer.sendMail({
    from: "ada@example.com",
    to: "b@example.org",
    subject: "alive",
    text: "x",
  });
  mailer.close();
  expect(info.response).toMatch(/^250 2\.0\.0 OK/);
}

async function greeted(): Promise<{ smtp: RawSmtp; id: string }> {
  const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
  const id = /ESMTP (\S+) - gsmtp/.exec(await smtp.reply())?.[1] ?? "";
  return { smtp, id };
}

describe("garbage over TLS", () => {
  it("answers random bytes with errors and keeps serving", async () => {
    const { smtp } = await greeted();
    for (let i = 0; i < 5; i += 1) {
      smtp.write(randomBytes(2048).toString("latin1"));
      smtp.write("\r\n");
    }
    const first = await smtp.reply();
    expect(first).toMatch(/^(421|500|501|502|503) /);
    smtp.close();
    await stillServing();
  });

  it("answers an unknown command with 502 5.5.1 and closes after ten", async () => {
    const { smtp, id } = await greeted();
    expect(await smtp.command("FROBNICATE now")).toBe(
      `502 5.5.1 Unrecognized command. ${id} - gsmtp`,
    );
    let last = "";
    for (let i = 0; i < 9; i += 1) last = await smtp.command(`BOGUS${i}`);
    expect(last).toBe(
      `421 4.7.0 Too many unrecognized commands, closing connection. ${id} - gsmtp`,
    );
    await smtp.closed;
    await stillServing();
  });

  it("closes on an overlong line with 421", async () => {
    const { smtp, id } = await greeted();
    smtp.write(`EHLO ${"a".repeat(40_000)}\r\n`);
    expect(await smtp.reply()).toBe(`421 4.7.0 Line too long, closing connection. ${id} - gsmtp`);
    await smtp.closed;
    await stillServing();
  });

  it("closes on an HTTP request sent to the SMTP port", async () => {
    const { smtp, id } = await greeted();
    expect(await smtp.command("GET / HTTP/1.1")).toBe(
      `421 4.7.0 HTTP requests are not accepted, closing connection. ${id} - gsmtp`,
    );
    await smtp.closed;
  });

  it("survives a client that hangs up in the middle of DATA", async () => {
    const session = await authenticatedSession(emu, "ada@example.com", token);
    await session.command("MAIL FROM:<ada@example.com>");
    await session.command("RCPT TO:<bob@example.org>");
    await session.command("DATA");
    session.write("Subject: half\r\n\r\nhalf a mess");
    session.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(emu.control.messages()).toHaveLength(0);
    await stillServing();
  });
});

describe("garbage instead of TLS", () => {
  it("survives plain text and random bytes on the implicit-TLS port", async () => {
    for (const payload of ["EHLO client.example\r\n", randomBytes(512).toString("latin1")]) {
      const socket = net.connect(emu.smtp.securePort, "127.0.0.1");
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      socket.write(payload, "latin1");
      await new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.on("error", () => undefined);
        setTimeout(() => socket.destroy(), 1000);
      });
    }
    await stillServing();
  });

  it("survives a client that drops the connection during the TLS handshake", async () => {
    const socket = net.connect(emu.smtp.starttlsPort, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("EHLO x\r\nSTARTTLS\r\n");
    await new Promise((resolve) => setTimeout(resolve, 250));
    socket.write(randomBytes(64));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stillServing();
  });
});

describe("commands out of order", () => {
  it("answers in Gmail's words", async () => {
    const { smtp, id } = await greeted();
    expect(await smtp.command("AUTH XOAUTH2 abc")).toBe(`503 5.5.1 EHLO/HELO first. ${id} - gsmtp`);
    expect(await smtp.command("HELO client.example")).toBe("250 smtp.gmail.com at your service");
    smtp.close();

    const session = await authenticatedSession(emu, "ada@example.com", token);
    const sessionId = /OK (\S+) - gsmtp/.exec(await session.command("NOOP"))?.[1] ?? "";
    expect(await session.command("RCPT TO:<bob@example.org>")).toBe(
      `503 5.5.1 MAIL first. ${sessionId} - gsmtp`,
    );
    expect(await session.command("MAIL FROM:<ada@example.com>")).toBe(
      `250 2.1.0 OK ${sessionId} - gsmtp`,
    );
    expect(await session.command("MAIL FROM:<ada@example.com>")).toBe(
      `503 5.5.1 Nested MAIL command. ${sessionId} - gsmtp`,
    );
    expect(await session.command("DATA")).toBe(`503 5.5.1 RCPT first. ${sessionId} - gsmtp`);
    expect(await session.command("RSET")).toBe(`250 2.1.5 Flushed ${sessionId} - gsmtp`);
    expect(await session.command("MAIL FROM:<not-an-address>")).toMatch(
      /^553-5\.1\.7 The sender address <not-an-address> is not a valid RFC-5321 address\./,
    );
    session.close();
  });

  it("logged the protocol without the tokens", () => {
    expect(logs.some((line) => line.includes("C: AUTH XOAUTH2 /* token */"))).toBe(true);
    expect(logs.some((line) => line.includes(token))).toBe(false);
  });
});
