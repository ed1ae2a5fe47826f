// Gmail's limits: message size, recipient syntax, 100 recipients per message, and the rolling
// daily quota (recipients for consumer accounts; messages and recipients for Workspace).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import {
  authenticatedSession,
  fakeClock,
  smtpError,
  startTestEmulator,
  transport,
} from "./support";

const DAY = 24 * 60 * 60 * 1000;
const clock = fakeClock();
let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({ now: clock.now, maxMessageBytes: 20_000 });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  token = emu.control.issueTokens("ada@example.com").accessToken;
});

// A fresh token per message: the tests move the clock by hours, past the token's lifetime.
function mailer(account: string) {
  return transport(emu, account, emu.control.issueTokens(account).accessToken);
}

async function sendTo(to: string[], text = "x", account = "ada@example.com") {
  const m = mailer(account);
  try {
    return await m.sendMail({ from: account, to, subject: "limits", text });
  } finally {
    m.close();
  }
}

describe("message size", () => {
  it("refuses a message over the limit with 552-5.3.4 and stores nothing", async () => {
    const error = await smtpError(() => sendTo(["bob@example.org"], "z".repeat(30_000)));
    expect(error.responseCode).toBe(552);
    expect(error.response).toMatch(
      /^552-5\.3\.4 Your message exceeded Google's message size limits\. For more information, go to\n552 5\.3\.4 {2}https:\/\/support\.google\.com\/mail\/\?p=MaxSizeError [\w.-]+ - gsmtp$/,
    );
    expect(emu.control.messages()).toHaveLength(0);
    expect((await sendTo(["bob@example.org"], "small")).response).toMatch(/^250/);
  });

  it("advertises the limit and refuses a declared SIZE above it at MAIL", async () => {
    const session = await authenticatedSession(emu, "ada@example.com", token);
    expect(await session.command("EHLO client.example")).toContain("250-SIZE 20000");
    expect(await session.command("MAIL FROM:<ada@example.com> SIZE=50000")).toMatch(
      /^552-5\.3\.4 Your message exceeded Google's message size limits\./,
    );
    session.close();
  });
});

describe("recipient addresses", () => {
  it.each([
    "bob@localhost",
    "not an address",
    "bob@@example.org",
    "bob@example..org",
    "@example.org",
  ])("refuses <%s> with 553-5.1.2 naming the address", async (address) => {
    const session = await authenticatedSession(emu, "ada@example.com", token);
    await session.command("MAIL FROM:<ada@example.com>");
    const reply = await session.command(`RCPT TO:<${address}>`);
    const lines = reply.split("\r\n");
    expect(lines[0]).toBe(
      `553-5.1.2 The recipient address <${address}> is not a valid RFC-5321 address. For more information, go to`,
    );
    expect(lines[1]).toMatch(
      /^553 5\.1\.2 {2}https:\/\/support\.google\.com\/\S+ [\w.-]+ - gsmtp$/,
    );
    session.close();
  });

  it("gives nodemailer the 553 when every recipient is refused", async () => {
    const error = await smtpError(() => sendTo(["bob@localhost"]));
    expect(error.code).toBe("EENVELOPE");
    expect(error.responseCode).toBe(553);
    expect(error.response).toMatch(
      /^553-5\.1\.2 The recipient address <bob@localhost> is not a valid RFC-5321 address\./,
    );
  });

  it("accepts internationalised and quoted addresses", async () => {
    const session = await authenticatedSession(emu, "ada@example.com", token);
    await session.command("MAIL FROM:<ada@example.com>");
    expect(await session.command("RCPT TO:<jürgen@bücher.example>")).toMatch(/^250 2\.1\.5 OK/);
    expect(await session.command('RCPT TO:<"john..smith"@example.org>')).toMatch(/^250 2\.1\.5 OK/);
    session.close();
  });
});

describe("recipients per message", () => {
  it("accepts 100 recipients and refuses the 101st with 452 4.5.3", async () => {
    const to = Array.from({ length: 101 }, (_, i) => `r${i}@example.org`);
    const info = await sendTo(to);
    expect(info.accepted).toHaveLength(100);
    expect(info.rejected).toEqual(["r100@example.org"]);
    const [rejection] = info.rejectedErrors ?? [];
    expect((rejection as { responseCode?: number }).responseCode).toBe(452);
    expect((rejection as { response?: string }).response).toMatch(
      /^452-4\.5\.3 Your message has too many recipients\. For more information regarding\n452-4\.5\.3 Google's sending limits, go to\n452 4\.5\.3 {2}https:\/\/support\.google\.com\/mail\/\?p=TooManyRecipientsError [\w.-]+ - gsmtp$/,
    );
    expect(emu.control.messages()[0]?.envelope.rcptTo).toHaveLength(100);
  });
});

const quotaError =
  /^550-5\.4\.5 Daily user sending quota exceeded\. For more information, go to\n550 5\.4\.5 {2}https:\/\/support\.google\.com\/mail\/\?p=ReachedLimit [\w.-]+ - gsmtp$/;

describe("the rolling daily quota", () => {
  it("counts recipients, refuses what would cross the limit, and frees up as the window moves", async () => {
    emu.control.setQuota("ada@example.com", 3);
    expect((await sendTo(["a@example.org", "b@example.org"])).response).toMatch(/^250/);

    // Two more recipients would make 4 of 3: the whole message is refused after DATA.
    const crossing = await smtpError(() => sendTo(["c@example.org", "d@example.org"]));
    expect(crossing.code).toBe("EMESSAGE");
    expect(crossing.responseCode).toBe(550);
    expect(crossing.response).toMatch(quotaError);

    clock.advance(12 * 60 * 60 * 1000);
    expect((await sendTo(["c@example.org"])).response).toMatch(/^250/);

    // 3 of 3 used: every recipient is refused at RCPT.
    const exhausted = await smtpError(() => sendTo(["e@example.org"]));
    expect(exhausted.code).toBe("EENVELOPE");
    expect(exhausted.responseCode).toBe(550);
    expect(exhausted.response).toMatch(quotaError);

    // The first message (2 recipients) leaves the window 24 h after it was sent; the later one stays.
    clock.advance(12 * 60 * 60 * 1000 + 1);
    expect((await sendTo(["e@example.org", "f@example.org"])).response).toMatch(/^250/);
    expect((await smtpError(() => sendTo(["g@example.org"]))).responseCode).toBe(550);

    clock.advance(DAY);
    expect((await sendTo(["g@example.org"])).response).toMatch(/^250/);
    expect(emu.control.messages({ email: "ada@example.com" })).toHaveLength(4);
  });

  it("defaults to 500 recipients a day and keeps each account's quota apart", async () => {
    emu.control.setQuota("ada@example.com", 0);
    expect((await smtpError(() => sendTo(["a@example.org"]))).responseCode).toBe(550);
    const grace = emu.control.issueTokens("grace@example.com").accessToken;
    const m = transport(emu, "grace@example.com", grace);
    const info = await m.sendMail({ from: "grace@example.com", to: "a@example.org", text: "x" });
    m.close();
    expect(info.response).toMatch(/^250/);
    const accounts = (await (await fetch(`${emu.issuer}/control/accounts`)).json()) as {
      accounts: { email: string; dailyQuota: number }[];
    };
    expect(accounts.accounts.find((a) => a.email === "grace@example.com")?.dailyQuota).toBe(500);
  });

  it("counts a consumer's recipients, not messages: one message to 4 uses a quota of 4", async () => {
    emu.control.setQuota("ada@example.com", 4);
    const to = ["a@example.org", "b@example.org", "c@example.org", "d@example.org"];
    expect((await sendTo(to)).response).toMatch(/^250/);
    const next = await smtpError(() => sendTo(["e@example.org"]));
    expect(next.code).toBe("EENVELOPE");
    expect(next.response).toMatch(quotaError);
  });
});

describe("the Workspace daily quota", () => {
  const ops = "ops@corp.example";
  const to = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `r${from + i}@example.org`);

  async function putAccount(email: string, patch: Record<string, unknown>) {
    const response = await fetch(`${emu.issuer}/control/accounts/${email}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(patch),
    });
    return { status: response.status, text: await response.text() };
  }

  async function workspace(limits: { dailyQuota?: number; dailyRecipientQuota?: number } = {}) {
    const { text } = await putAccount(ops, { hostedDomain: "corp.example", ...limits });
    return (JSON.parse(text) as { account: Record<string, unknown> }).account;
  }

  it("defaults to 2,000 messages and 10,000 recipients a day", async () => {
    expect(await workspace()).toMatchObject({ dailyQuota: 2000, dailyRecipientQuota: 10_000 });
    const consumer = JSON.parse((await putAccount("new@example.com", {})).text) as {
      account: Record<string, unknown>;
    };
    expect(consumer.account.dailyQuota).toBe(500);
    expect(consumer.account).not.toHaveProperty("dailyRecipientQuota");
  });

  it("counts messages, not recipients", async () => {
    await workspace({ dailyQuota: 2 });
    expect((await sendTo(to(3), "x", ops)).response).toMatch(/^250/);
    expect((await sendTo(to(3, 3), "x", ops)).response).toMatch(/^250/);
    const third = await smtpError(() => sendTo(["z@example.org"], "x", ops));
    expect(third.code).toBe("EENVELOPE");
    expect(third.responseCode).toBe(550);
    expect(third.response).toMatch(quotaError);

    clock.advance(DAY + 1);
    expect((await sendTo(["z@example.org"], "x", ops)).response).toMatch(/^250/);
  });

  it("also caps recipients a day, refusing a message that would cross it", async () => {
    await workspace({ dailyQuota: 100, dailyRecipientQuota: 5 });
    expect((await sendTo(to(3), "x", ops)).response).toMatch(/^250/);

    const crossing = await smtpError(() => sendTo(to(3, 3), "x", ops));
    expect(crossing.code).toBe("EMESSAGE");
    expect(crossing.response).toMatch(quotaError);

    expect((await sendTo(to(2, 6), "x", ops)).response).toMatch(/^250/);
    const exhausted = await smtpError(() => sendTo(["z@example.org"], "x", ops));
    expect(exhausted.code).toBe("EENVELOPE");
    expect(exhausted.response).toMatch(quotaError);
    expect(emu.control.messages({ email: ops })).toHaveLength(2);
  });

  it("refuses a recipient quota on a consumer account, whose quota already counts recipients", async () => {
    const refused = await putAccount("ada@example.com", { dailyRecipientQuota: 10 });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("dailyRecipientQuota applies to Workspace accounts");
  });
});
