// The mailbox over HTTP: the inbox pages (escaped, newest first) and the JSON API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { startTestEmulator, transport } from "./support";

let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
});

const HOSTILE = `<script>alert("x")</script> & "quotes"`;

async function sendTwo(): Promise<void> {
  const { accessToken } = emu.control.issueTokens("ada@example.com");
  const mailer = transport(emu, "ada@example.com", accessToken);
  await mailer.sendMail({
    from: "ada@example.com",
    to: "bob@example.org",
    subject: "First",
    text: "one",
  });
  await mailer.sendMail({
    from: "Ada <ada@example.com>",
    to: "Bob <bob@example.org>",
    subject: HOSTILE,
    text: `text body ${HOSTILE}`,
    html: `<p>html body</p><script>alert(1)</script><img src="https://tracker.example/p.gif">`,
  });
  mailer.close();
}

async function page(path: string, init: RequestInit = {}) {
  const response = await fetch(`${emu.issuer}${path}`, { redirect: "manual", ...init });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

describe("the inbox page", () => {
  it("lists messages newest first with everything escaped", async () => {
    await sendTwo();
    const { status, headers, html } = await page("/inbox");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).toContain("2 messages, newest first");
    for (const column of ["From", "To", "Subject", "Message-ID", "Sent by", "Received"]) {
      expect(html).toContain(`<th scope="col">${column}</th>`);
    }
    expect(html).toContain("<td>SMTP, OAuth</td>");
    expect(html).not.toContain('<script>alert("x")');
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;",
    );
    expect(html.indexOf("&lt;script&gt;alert")).toBeLessThan(html.indexOf(">First<"));
    const [newest] = emu.control.messages();
    expect(html).toContain(`href="/inbox/${newest!.id}"`);
  });

  it("shows one message: headers, text, sandboxed HTML and raw source, escaped", async () => {
    await sendTwo();
    const [newest] = emu.control.messages();
    const { status, html } = await page(`/inbox/${newest!.id}`);
    expect(status).toBe(200);
    expect(html).toContain(
      "<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>",
    );
    expect(html).toContain("text body &lt;script&gt;");
    expect(html).toMatch(/<iframe[^>]*sandbox=""/);
    expect(html).toContain(
      'srcdoc="&lt;p&gt;html body&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(html).toContain("Content-Type: multipart/alternative;");
    expect(html).toContain("bob@example.org");
    expect(html).not.toMatch(/<script>alert/);
  });

  it("answers 404 for an unknown message", async () => {
    const { status, html } = await page("/inbox/nope");
    expect(status).toBe(404);
    expect(html).toContain("Message not found");
  });

  it("clears the mailbox with the Clear button", async () => {
    await sendTwo();
    const { status, headers } = await page("/inbox/clear", { method: "POST" });
    expect(status).toBe(303);
    expect(headers.get("location")).toBe("/inbox");
    expect(emu.control.messages()).toHaveLength(0);
    expect((await page("/inbox")).html).toContain("No messages yet.");
  });
});

describe("the messages API", () => {
  it("lists, shows and deletes messages as JSON", async () => {
    await sendTwo();
    const list = (await (await fetch(`${emu.issuer}/api/messages`)).json()) as {
      messages: Record<string, unknown>[];
    };
    expect(list.messages.map((m) => m.subject)).toEqual([HOSTILE, "First"]);
    expect(list.messages[0]).toMatchObject({
      account: "ada@example.com",
      envelope: { mailFrom: "ada@example.com", rcptTo: ["bob@example.org"] },
      messageId: expect.stringMatching(/^<.+>$/) as unknown,
      receivedAt: expect.any(String) as unknown,
      size: expect.any(Number) as unknown,
    });
    expect(list.messages[0]).not.toHaveProperty("raw");

    const detail = await fetch(`${emu.issuer}/api/messages/${String(list.messages[1]!.id)}`);
    const message = (await detail.json()) as Record<string, unknown>;
    expect(message).toMatchObject({ subject: "First", text: "one\n" });
    expect(message.raw).toContain("Subject: First");
    expect(message.headers).toContainEqual({ name: "subject", value: "First" });

    const missing = await fetch(`${emu.issuer}/api/messages/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: "not_found", message: "No message with that id." },
    });

    const filtered = (await (
      await fetch(`${emu.issuer}/api/messages?email=someone@example.com`)
    ).json()) as {
      messages: unknown[];
    };
    expect(filtered.messages).toEqual([]);

    const deleted = await fetch(`${emu.issuer}/api/messages`, { method: "DELETE" });
    expect(await deleted.json()).toEqual({ deleted: 2 });
    expect(emu.control.messages()).toHaveLength(0);
  });
});

describe("the mailbox limit", () => {
  it("keeps the newest mailboxLimit messages", async () => {
    const small = await startTestEmulator({ mailboxLimit: 2 });
    try {
      const { accessToken } = small.control.issueTokens("ada@example.com");
      const mailer = transport(small, "ada@example.com", accessToken);
      for (const subject of ["one", "two", "three"]) {
        await mailer.sendMail({
          from: "ada@example.com",
          to: "bob@example.org",
          subject,
          text: "x",
        });
      }
      mailer.close();
      expect(small.control.messages().map((m) => m.subject)).toEqual(["three", "two"]);
    } finally {
      await small.stop();
    }
  });
});
