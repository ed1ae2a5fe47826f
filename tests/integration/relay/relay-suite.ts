// The SMTP relay against a real database and the emulator, spoken to byte by byte (every reply a
// mail client acts on) and with nodemailer as the client: refusals, the message kept as
// submitted, 250 only once the message is in the outbox, revocation, limits and timeouts.
// relay.test.ts runs it on SQLite and relay-postgres.test.ts on PostgreSQL.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { createApiKey } from "../../../lib/api-keys/create-api-key";
import { revokeApiKey } from "../../../lib/api-keys/revoke-api-key";
import { db } from "../../../lib/db";
import { closeAllTransports } from "../../../lib/mail/transport-pool";
import type { RelayCertificate } from "../../../lib/relay/relay-certificate";
import type { RelayHandle, RelayOptions } from "../../../lib/relay/start-relay";
import { RawSmtp } from "../../emulator/support";
import { drainOutbox } from "../../support/drain-outbox";
import { seedUser } from "../../support/seed-user";
import { configureTestEnvironment } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

/** Messages one key may start a minute in these tests (the 451 test spends them). */
const KEY_RATE = 30;

/** An address of this machine that is not loopback, to be a client "from another machine". */
function networkAddress(): string {
  for (const entries of Object.values(networkInterfaces())) {
    const found = entries?.find((e) => e.family === "IPv4" && !e.internal);
    if (found) return found.address;
  }
  throw new Error("This machine has no non-loopback IPv4 address to test a remote client from.");
}

const plain = (user: string, password: string) =>
  Buffer.from(`\0${user}\0${password}`).toString("base64");
const base64 = (value: string) => Buffer.from(value).toString("base64");

export function relaySuite(engine: string, setup: { databaseUrl?: () => Promise<string> }) {
  describe(`the SMTP relay on ${engine}`, () => {
    let emu: Emulator;
    let relay: RelayHandle;
    let certificate: RelayCertificate;
    let startRelay: (options: Partial<RelayOptions>) => Promise<RelayHandle>;
    const logged: string[] = [];
    let n = 0;

    beforeAll(async () => {
      emu = await startEmulator({ ca: testCa() });
      configureTestEnvironment(emu);
      process.env.API_KEY_RATE_PER_MINUTE = String(KEY_RATE);
      if (setup.databaseUrl) process.env.DATABASE_URL = await setup.databaseUrl();
      const { env } = await import("../../../lib/env");
      expect(env().DATABASE_URL).toBe(process.env.DATABASE_URL);
      const { relayCertificate } = await import("../../../lib/relay/relay-certificate");
      certificate = await relayCertificate({
        hostname: "localhost",
        dir: mkdtempSync(path.join(tmpdir(), "mailroom-relay-tls-")),
      });
      const relayModule = await import("../../../lib/relay/start-relay");
      startRelay = (options) =>
        relayModule.startRelay({ port: 0, certificate, log: (l) => logged.push(l), ...options });
      relay = await startRelay({ tlsPort: 0 });
    });

    afterAll(async () => {
      await relay?.stop();
      closeAllTransports();
      await emu?.stop();
    });

    beforeEach(() => emu.control.clearMailbox());

    async function owner() {
      const { user, account } = await seedUser(emu, `relay${++n}@example.com`);
      const key = await createApiKey(user.id, {
        name: `Relay key ${n}`,
        permission: "send",
        allowedFrom: [account.email],
      });
      return { user, account, key };
    }

    async function connect(
      options: { port?: number; host?: string; secure?: boolean } = {},
    ): Promise<RawSmtp> {
      const smtp = await RawSmtp.connect(options.port ?? relay.port, {
        secure: options.secure ?? false,
        ca: certificate.certPem,
        host: options.host,
      });
      expect(await smtp.reply()).toMatch(/^220 localhost ESMTP/);
      return smtp;
    }

    /** A loopback session logged in with `secret`. */
    async function loggedIn(secret: string): Promise<RawSmtp> {
      const smtp = await connect();
      await smtp.command("EHLO client.example");
      expect(await smtp.command(`AUTH PLAIN ${plain("app", secret)}`)).toBe(
        "235 2.7.0 Authentication successful",
      );
      return smtp;
    }

    /** MAIL, RCPTs and DATA; returns the reply to the message (or the first refusal). */
    async function transaction(
      smtp: RawSmtp,
      envelope: { from: string; to: string[] },
      message: string,
    ): Promise<string> {
      const mail = await smtp.command(`MAIL FROM:<${envelope.from}>`);
      if (!mail.startsWith("250")) return mail;
      for (const to of envelope.to) {
        const rcpt = await smtp.command(`RCPT TO:<${to}>`);
        if (!rcpt.startsWith("250")) return rcpt;
      }
      const data = await smtp.command("DATA");
      if (!data.startsWith("354")) return data;
      const stuffed = message.replace(/^\./gm, "..");
      smtp.write(`${stuffed}${stuffed.endsWith("\r\n") ? "" : "\r\n"}.\r\n`);
      return smtp.reply();
    }

    function message(
      from: string,
      headers: Record<string, string>,
      body = "Hello from the relay.",
    ): string {
      const lines = [`From: ${from}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      return `${lines.join("\r\n")}\r\n\r\n${body}\r\n`;
    }

    const queuedId = (reply: string) =>
      /^250 2\.6\.0 Message queued as (c[0-9a-z]{24})$/.exec(reply)?.[1];

    async function storedMessage(id: string) {
      const prisma = await db();
      return prisma.message.findUnique({ where: { id }, include: { content: true } });
    }

    async function messageCount(userId: string) {
      return (await db()).message.count({ where: { userId } });
    }

    it("offers STARTTLS, AUTH PLAIN and LOGIN and SIZE, and answers 530 5.7.0 without AUTH", async () => {
      const smtp = await connect();
      const ehlo = await smtp.command("EHLO client.example");
      const keywords = ehlo.split("\r\n").map((line) => line.slice(4));
      expect(keywords).toEqual(
        expect.arrayContaining([
          "STARTTLS",
          "AUTH PLAIN LOGIN",
          "SIZE 26214400",
          "ENHANCEDSTATUSCODES",
          "PIPELINING",
        ]),
      );
      expect(await smtp.command("MAIL FROM:<someone@example.com>")).toBe(
        "530 5.7.0 Authentication required",
      );
      expect(await smtp.command("RCPT TO:<bob@example.org>")).toBe(
        "530 5.7.0 Authentication required",
      );
      expect(await smtp.command("DATA")).toBe("530 5.7.0 Authentication required");
      smtp.close();
    });

    it("asks a client on another machine for STARTTLS before AUTH, and not one on loopback", async () => {
      const { key } = await owner();
      const remote = await connect({ host: networkAddress() });
      expect(await remote.command("EHLO client.example")).toContain("STARTTLS");
      expect(await remote.command(`AUTH PLAIN ${plain("app", key.secret)}`)).toBe(
        "530 5.7.0 Must issue a STARTTLS command first",
      );
      expect(await remote.command("AUTH LOGIN")).toBe(
        "530 5.7.0 Must issue a STARTTLS command first",
      );
      // Verified against the relay's own certificate.
      expect(await remote.startTls(certificate.certPem)).toMatch(/^220 /);
      expect(await remote.command("EHLO client.example")).not.toContain("STARTTLS");
      expect(await remote.command(`AUTH PLAIN ${plain("app", key.secret)}`)).toBe(
        "235 2.7.0 Authentication successful",
      );
      remote.close();

      const local = await connect();
      await local.command("EHLO client.example");
      expect(await local.command(`AUTH PLAIN ${plain("app", key.secret)}`)).toBe(
        "235 2.7.0 Authentication successful",
      );
      local.close();

      const implicit = await connect({ port: relay.tlsPort, host: networkAddress(), secure: true });
      await implicit.command("EHLO client.example");
      expect(await implicit.command("AUTH LOGIN")).toBe("334 VXNlcm5hbWU6");
      expect(await implicit.command(base64("app"))).toBe("334 UGFzc3dvcmQ6");
      expect(await implicit.command(base64(key.secret))).toBe(
        "235 2.7.0 Authentication successful",
      );
      implicit.close();
    });

    it("answers 535 5.7.8 to a password that is not a live key, and 421 after three", async () => {
      const { key } = await owner();
      const smtp = await connect();
      await smtp.command("EHLO client.example");
      const unknown = `mr_live_${randomBytes(32).toString("base64url")}`;
      expect(await smtp.command(`AUTH PLAIN ${plain("app", unknown)}`)).toMatch(
        /^535 5\.7\.8 The API key is not valid\. The password must be a Mailroom API key/,
      );
      await smtp.command("AUTH LOGIN");
      await smtp.command(base64("app"));
      expect(await smtp.command(base64("my-gmail-password"))).toMatch(/^535 5\.7\.8 /);
      const almost = key.secret.slice(0, -1) + (key.secret.endsWith("A") ? "B" : "A");
      expect(await smtp.command(`AUTH PLAIN ${plain("app", almost)}`)).toBe(
        "421 4.7.0 Too many failed logins; connect again to try once more.",
      );
      await smtp.closed;
      // A new connection may try again, and the right key works.
      const again = await loggedIn(key.secret);
      again.close();
    });

    it("answers 250 only once the message is in the outbox, Bcc header gone, Message-ID kept", async () => {
      const { user, account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      const submitted = message(account.email, {
        To: "Bob <bob@example.org>",
        Cc: "carol@example.net",
        Bcc: "Hidden <audit@example.com>,\r\n  second@example.com",
        Subject: "=?UTF-8?Q?Invoice_=C3=BCn=C3=AF?=",
        "Message-ID": "<invoice-2041@example.com>",
        "X-Custom": "kept",
      });
      const reply = await transaction(
        smtp,
        {
          from: account.email,
          to: ["bob@example.org", "carol@example.net", "audit@example.com", "second@example.com"],
        },
        submitted,
      );
      const id = queuedId(reply);
      expect(id, reply).toBeDefined();
      // Read as soon as the client has its 250: the message is already there.
      const stored = await storedMessage(id!);
      expect(stored).toMatchObject({
        userId: user.id,
        status: "queued",
        source: `relay:${key.id}`,
        messageIdHeader: "<invoice-2041@example.com>",
        fromAddress: account.email,
        to: ["bob@example.org"],
        cc: ["carol@example.net"],
        bcc: ["audit@example.com", "second@example.com"],
        subject: "Invoice ünï",
      });
      expect(stored!.content!.textBody).toBe("Hello from the relay.\n");
      // Byte for byte what came, without the two lines of the Bcc header.
      expect(Buffer.from(stored!.content!.mime).toString("utf8")).toBe(
        submitted.replace("Bcc: Hidden <audit@example.com>,\r\n  second@example.com\r\n", ""),
      );
      const events = await (await db()).messageEvent.findMany({ where: { messageId: id! } });
      expect(events.map((e) => e.detail)).toContain(
        'Accepted into the outbox from the SMTP relay (login "app", from 127.0.0.1)',
      );

      await drainOutbox();
      const [received] = emu.control.messages({ email: account.email });
      expect([...received!.envelope.rcptTo].sort()).toEqual([
        "audit@example.com",
        "bob@example.org",
        "carol@example.net",
        "second@example.com",
      ]);
      expect(emu.control.message(received!.id)!.raw).not.toMatch(/^Bcc:/im);
      smtp.close();
    });

    it("adds a Message-ID when the message has none", async () => {
      const { account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      const submitted = message(account.email, { To: "bob@example.org", Subject: "No id" });
      const id = queuedId(
        await transaction(smtp, { from: account.email, to: ["bob@example.org"] }, submitted),
      );
      const stored = await storedMessage(id!);
      expect(stored!.messageIdHeader).toMatch(/^<[0-9a-f-]{36}@example\.com>$/);
      expect(Buffer.from(stored!.content!.mime).toString("utf8")).toBe(
        submitted.replace("\r\n\r\n", `\r\nMessage-ID: ${stored!.messageIdHeader}\r\n\r\n`),
      );
      smtp.close();
    });

    it("answers 550 5.7.1 to a MAIL FROM or a From header the key does not allow", async () => {
      const { user, account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      expect(await smtp.command("MAIL FROM:<ceo@example.com>")).toBe(
        "550 5.7.1 This key may not send from ceo@example.com; use one of its From addresses (see Settings → API keys).",
      );
      const forged = await transaction(
        smtp,
        { from: account.email, to: ["bob@example.org"] },
        message("CEO <ceo@example.com>", { To: "bob@example.org", Subject: "Wire money" }),
      );
      expect(forged).toMatch(/^550 5\.7\.1 This key may not send from ceo@example\.com/);
      await smtp.command("RSET");
      const twoFroms = await transaction(
        smtp,
        { from: account.email, to: ["bob@example.org"] },
        `From: ${account.email}\r\n${message("ceo@example.com", { To: "bob@example.org" })}`,
      );
      expect(twoFroms).toMatch(/^550 5\.7\.1 The message needs exactly one From header/);
      await smtp.command("RSET");
      const sender = await transaction(
        smtp,
        { from: account.email, to: ["bob@example.org"] },
        message(account.email, { Sender: "ceo@example.com", To: "bob@example.org" }),
      );
      expect(sender).toMatch(/^550 5\.7\.1 This key may not send from ceo@example\.com/);
      expect(await messageCount(user.id)).toBe(0);
      smtp.close();
    });

    it("refuses, for an account on the Gmail API, a message whose envelope leaves out a To or Cc", async () => {
      const { user, account, key } = await owner();
      const prisma = await db();
      await prisma.account.update({ where: { id: account.id }, data: { sendWay: "gmail_api" } });
      const smtp = await loggedIn(key.secret);
      // A list server's copy for one member: To names the list, the envelope only the member.
      const copy = await transaction(
        smtp,
        { from: account.email, to: ["member@example.org"] },
        message(account.email, { To: "list@example.org", Subject: "Digest" }),
      );
      expect(copy).toMatch(
        /^550 5\.7\.1 This account sends with the Gmail API, .* leaves out list@example\.org\./,
      );
      expect(await messageCount(user.id)).toBe(0);
      await smtp.command("RSET");
      // The envelope may name more (Bcc), never fewer.
      const withBcc = await transaction(
        smtp,
        { from: account.email, to: ["list@example.org", "audit@example.org"] },
        message(account.email, { To: "list@example.org", Subject: "Digest" }),
      );
      expect(withBcc).toMatch(/^250 /);
      // Over SMTP the envelope decides, so the same copy is taken.
      await prisma.account.update({ where: { id: account.id }, data: { sendWay: "smtp_oauth" } });
      await smtp.command("RSET");
      expect(
        await transaction(
          smtp,
          { from: account.email, to: ["member@example.org"] },
          message(account.email, { To: "list@example.org", Subject: "Digest 2" }),
        ),
      ).toMatch(/^250 /);
      expect(await messageCount(user.id)).toBe(2);
      smtp.close();
    });

    it("answers 552 5.3.4 to a message over 25 MB, announced with SIZE or not", async () => {
      const { user, account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      expect(await smtp.command(`MAIL FROM:<${account.email}> SIZE=26214401`)).toMatch(
        /^552 5\.3\.4 /,
      );
      expect(await smtp.command(`MAIL FROM:<${account.email}> SIZE=1000`)).toMatch(/^250 /);
      expect(await smtp.command("RCPT TO:<bob@example.org>")).toMatch(/^250 /);
      expect(await smtp.command("DATA")).toMatch(/^354 /);
      const line = `${"x".repeat(998)}\r\n`;
      const header = `From: ${account.email}\r\nTo: bob@example.org\r\n\r\n`;
      smtp.write(header + line.repeat(Math.ceil((25 * 1024 * 1024) / line.length) + 1));
      smtp.write(".\r\n");
      expect(await smtp.reply(30_000)).toMatch(/^552 5\.3\.4 /);
      expect(await messageCount(user.id)).toBe(0);
      smtp.close();
    });

    it("answers 452 4.5.3 past 100 recipients", async () => {
      const { account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      expect(await smtp.command(`MAIL FROM:<${account.email}>`)).toMatch(/^250 /);
      for (let i = 0; i < 100; i++) {
        expect(await smtp.command(`RCPT TO:<r${i}@example.org>`)).toMatch(/^250 /);
      }
      expect(await smtp.command("RCPT TO:<r100@example.org>")).toBe(
        "452 4.5.3 Error: too many recipients",
      );
      expect(await smtp.command("RCPT TO:<not an address>")).toMatch(/^501 /);
      smtp.close();
    });

    it("answers 451 4.7.1 once the key has started its messages for the minute", async () => {
      const { account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      for (let i = 0; i < KEY_RATE; i++) {
        expect(await smtp.command(`MAIL FROM:<${account.email}>`)).toMatch(/^250 /);
        expect(await smtp.command("RSET")).toMatch(/^250 /);
      }
      expect(await smtp.command(`MAIL FROM:<${account.email}>`)).toMatch(
        new RegExp(
          `^451 4\\.7\\.1 This key made more than ${KEY_RATE} requests in a minute; try again in \\d+ s\\.$`,
        ),
      );
      smtp.close();
    });

    it("refuses a revoked key at once: the next message of an open session, and a new login", async () => {
      const { user, account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      const send = () =>
        transaction(
          smtp,
          { from: account.email, to: ["bob@example.org"] },
          message(account.email, { To: "bob@example.org", Subject: "Before" }),
        );
      expect(queuedId(await send())).toBeDefined();
      await revokeApiKey(user.id, key.id);
      expect(await send()).toMatch(/^535 5\.7\.8 The API key has been revoked\./);
      smtp.close();
      const fresh = await connect();
      await fresh.command("EHLO client.example");
      expect(await fresh.command(`AUTH PLAIN ${plain("app", key.secret)}`)).toMatch(
        /^535 5\.7\.8 The API key has been revoked\./,
      );
      fresh.close();
      expect(await messageCount(user.id)).toBe(1);
    });

    it("takes the same message again as the one accepted, and refuses another with its Message-ID", async () => {
      const { user, account, key } = await owner();
      const smtp = await loggedIn(key.secret);
      const envelope = { from: account.email, to: ["bob@example.org"] };
      const first = message(account.email, {
        To: "bob@example.org",
        "Message-ID": "<retry-1@example.com>",
      });
      const id = queuedId(await transaction(smtp, envelope, first));
      expect(id).toBeDefined();
      // A client that lost our 250 sends it again: no second message.
      expect(queuedId(await transaction(smtp, envelope, first))).toBe(id);
      expect(
        await transaction(
          smtp,
          envelope,
          message(
            account.email,
            { To: "bob@example.org", "Message-ID": "<retry-1@example.com>" },
            "Other",
          ),
        ),
      ).toBe(
        "554 5.6.0 Another message already has the Message-ID <retry-1@example.com>; give each message its own.",
      );
      expect(await messageCount(user.id)).toBe(1);
      smtp.close();
    });

    it("carries a nodemailer message with an attachment to Gmail byte for byte, shown as Relay · key name", async () => {
      const { user, account, key } = await owner();
      const attachment = randomBytes(70_000);
      const text = "Line one\nLine two with ünïcödé and a very long line " + "x".repeat(200) + "\n";
      const html = "<p>Hello <b>Bob</b></p>";
      for (const secure of [false, true]) {
        const transport = nodemailer.createTransport({
          host: "localhost",
          port: secure ? relay.tlsPort : relay.port,
          secure,
          requireTLS: !secure,
          tls: { ca: certificate.certPem },
          auth: { user: "billing-app", pass: key.secret },
        });
        const info = await transport.sendMail({
          from: `Ada Sender <${account.email}>`,
          to: "Bob <bob@example.org>",
          bcc: "audit@example.com",
          subject: `Invoice ${secure ? "TLS" : "STARTTLS"}`,
          text,
          html,
          attachments: [{ filename: "invoice.bin", content: attachment }],
        });
        transport.close();
        const id = queuedId(info.response);
        expect(id, info.response).toBeDefined();
        await drainOutbox();

        const [received] = emu.control.messages({ email: account.email });
        expect([...received!.envelope.rcptTo].sort()).toEqual([
          "audit@example.com",
          "bob@example.org",
        ]);
        const raw = emu.control.message(received!.id)!.raw;
        expect(raw).not.toMatch(/^Bcc:/im);
        const parsed = await simpleParser(raw);
        expect(parsed.messageId).toBe(info.messageId);
        expect(parsed.from?.value).toEqual([{ name: "Ada Sender", address: account.email }]);
        expect(parsed.text).toBe(text);
        expect(parsed.html).toBe(html);
        expect(parsed.attachments).toHaveLength(1);
        expect(parsed.attachments[0]!.filename).toBe("invoice.bin");
        expect(Buffer.compare(parsed.attachments[0]!.content, attachment)).toBe(0);
        emu.control.clearMailbox();

        const { listMessages } = await import("../../../lib/outbox/list-messages");
        const page = await listMessages(user.id, { source: "relay" });
        expect(page.messages[0]).toMatchObject({ id, status: "sent", source: `relay:${key.id}` });
        const { keyNamesFor } = await import("../../../lib/api-keys/key-names");
        const { messageSummaryJson } = await import("../../../lib/api/message-response");
        const names = await keyNamesFor(user.id, [page.messages[0]!.source]);
        expect(messageSummaryJson(page.messages[0]!, names).source).toEqual({
          kind: "relay",
          apiKey: { id: key.id, name: key.name },
        });
      }
      const { listMessages } = await import("../../../lib/outbox/list-messages");
      expect((await listMessages(user.id, { source: "api" })).messages).toEqual([]);
      const row = await (await db()).apiKey.findUnique({ where: { id: key.id } });
      expect(row).toMatchObject({ lastUsedSource: "relay", lastUsedIp: "127.0.0.1" });
    });

    it("closes a connection that idles, and one that sends its message too slowly", async () => {
      const { user, account, key } = await owner();
      const strict = await startRelay({ idleTimeoutMs: 400, dataTimeoutMs: 800 });
      try {
        const idle = await connect({ port: strict.port });
        await idle.command("EHLO client.example");
        expect(await idle.reply(5000)).toMatch(/^421 4\.4\.2 /);
        await idle.closed;

        const slow = await connect({ port: strict.port });
        await slow.command("EHLO client.example");
        await slow.command(`AUTH PLAIN ${plain("app", key.secret)}`);
        await slow.command(`MAIL FROM:<${account.email}>`);
        await slow.command("RCPT TO:<bob@example.org>");
        expect(await slow.command("DATA")).toMatch(/^354 /);
        slow.write(`From: ${account.email}\r\nTo: bob@example.org\r\n\r\n`);
        // A line every 100 ms: never idle, never done.
        const trickle = setInterval(() => slow.write("still typing\r\n"), 100);
        try {
          expect(await slow.reply(5000)).toBe(
            "421 4.4.2 The message took too long to arrive; send it again.",
          );
          await slow.closed;
        } finally {
          clearInterval(trickle);
        }
        expect(await messageCount(user.id)).toBe(0);
      } finally {
        await strict.stop();
      }
    });

    it("lets one address hold only so many connections, leaving room for others", async () => {
      const limited = await startRelay({ maxConnectionsPerAddress: 2 });
      try {
        const first = await connect({ port: limited.port });
        const second = await connect({ port: limited.port });
        const third = await RawSmtp.connect(limited.port, { secure: false });
        expect(await third.reply()).toBe(
          "421 4.7.0 Too many connections from your address; close some or try again in a moment.",
        );
        await third.closed;
        // Another client is not held up by this one.
        const other = await connect({ port: limited.port, host: networkAddress() });
        other.close();
        first.close();
        await first.closed;
        await new Promise((resolve) => setTimeout(resolve, 100));
        const fourth = await connect({ port: limited.port });
        fourth.close();
        second.close();
      } finally {
        await limited.stop();
      }
    });
  });
}
