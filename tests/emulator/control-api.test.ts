// The control API over HTTP: every operation round-trips, and bad input is a 400, never a crash.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { smtpError, startTestEmulator, transport } from "./support";

let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(async () => {
  await call("POST", "/control/reset");
});

async function call(method: string, path: string, body?: unknown, raw?: string) {
  const response = await fetch(`${emu.issuer}${path}`, {
    method,
    headers: body !== undefined || raw !== undefined ? { "Content-Type": "application/json" } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
}

async function issue(email: string): Promise<{ accessToken: string; refreshToken: string }> {
  const { status, body } = await call("POST", "/control/issue-tokens", { email });
  expect(status).toBe(200);
  return body as unknown as { accessToken: string; refreshToken: string };
}

async function send(email: string, accessToken: string) {
  const mailer = transport(emu, email, accessToken);
  try {
    return await mailer.sendMail({
      from: email,
      to: "bob@example.org",
      subject: "via control",
      text: "x",
    });
  } finally {
    mailer.close();
  }
}

describe("the control API over HTTP", () => {
  it("issues tokens, injects a failure, counts and lists messages, and resets", async () => {
    const tokens = await issue("ada@example.com");
    expect(tokens).toMatchObject({ expiresIn: 3600 });
    expect(tokens.accessToken).toMatch(/^ya29\./);
    expect(tokens.refreshToken).toMatch(/^1\/\//);

    expect(
      await call("POST", "/control/fail-next", {
        count: 1,
        reply: "451 4.3.0 Mail server temporarily rejected message.",
        stage: "mail",
        email: "ada@example.com",
      }),
    ).toMatchObject({ status: 200, body: { ok: true } });
    const failed = await smtpError(() => send("ada@example.com", tokens.accessToken));
    expect(failed.responseCode).toBe(451);
    expect(failed.command).toBe("MAIL FROM");

    await send("ada@example.com", tokens.accessToken);
    const stats = await call("GET", "/control/stats?email=ada%40example.com");
    expect(stats.body).toMatchObject({ smtpConnections: 2, auths: 2, messages: 1 });
    const all = await call("GET", "/control/stats");
    expect(all.body).toMatchObject({
      total: { messages: 1 },
      accounts: { "ada@example.com": { messages: 1 } },
    });

    const list = await call("GET", "/control/messages?email=ada@example.com");
    const messages = list.body.messages as { id: string; subject: string }[];
    expect(messages.map((m) => m.subject)).toEqual(["via control"]);
    const one = await call("GET", `/control/messages/${messages[0]!.id}`);
    expect(one.body.raw).toContain("Subject: via control");
    expect((await call("GET", "/control/messages/nope")).status).toBe(404);

    expect((await call("POST", "/control/reset")).status).toBe(200);
    expect((await call("GET", "/control/stats")).body).toMatchObject({
      total: { messages: 0, auths: 0 },
    });
    expect((await call("GET", "/control/messages")).body).toEqual({ messages: [] });
  });

  it("stalls the next DATA reply", async () => {
    const { accessToken } = await issue("ada@example.com");
    expect((await call("POST", "/control/stall-next", { action: "delay", ms: 300 })).status).toBe(
      200,
    );
    const started = Date.now();
    await send("ada@example.com", accessToken);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("revokes an account and expires access tokens", async () => {
    const ada = await issue("ada@example.com");
    const grace = await issue("grace@example.com");
    expect((await call("POST", "/control/expire-access-tokens", {})).status).toBe(200);
    expect((await smtpError(() => send("grace@example.com", grace.accessToken))).responseCode).toBe(
      535,
    );

    expect((await call("POST", "/control/revoke", { email: "ada@example.com" })).status).toBe(200);
    const refresh = await fetch(`${emu.issuer}/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: ada.refreshToken,
        client_id: "mailroom-demo.apps.googleusercontent.com",
        client_secret: "mailroom-demo-secret",
      }),
    });
    expect(await refresh.json()).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
  });

  it("sets an account's quota and aliases", async () => {
    const { status, body } = await call("PUT", "/control/accounts/ada@example.com", {
      dailyQuota: 1,
      aliases: [{ sendAsEmail: "ada@analytical.example", displayName: "Ada", isDefault: true }],
    });
    expect(status).toBe(200);
    expect(body.account).toMatchObject({
      email: "ada@example.com",
      dailyQuota: 1,
      aliases: [
        {
          sendAsEmail: "ada@analytical.example",
          displayName: "Ada",
          isDefault: true,
          verificationStatus: "accepted",
        },
      ],
    });
    const { accessToken } = await issue("ada@example.com");
    await send("ada@example.com", accessToken);
    expect((await smtpError(() => send("ada@example.com", accessToken))).responseCode).toBe(550);
  });

  it("clears the mailbox", async () => {
    const { accessToken } = await issue("ada@example.com");
    await send("ada@example.com", accessToken);
    expect((await call("POST", "/control/clear-mailbox")).status).toBe(200);
    expect(emu.control.messages()).toHaveLength(0);
  });
});

describe("bad input", () => {
  it.each([
    ["POST", "/control/fail-next", { reply: "hello" }, "reply"],
    ["POST", "/control/fail-next", { count: 0, reply: "451 4.3.0 x" }, "count"],
    ["POST", "/control/fail-next", { reply: "451 4.3.0 x", stage: "quit" }, "stage"],
    ["POST", "/control/fail-next", { reply: "451 4.3.0 x", colour: "red" }, "colour"],
    ["POST", "/control/stall-next", { action: "explode" }, "action"],
    ["POST", "/control/stall-next", { action: "delay", ms: -5 }, "ms"],
    ["POST", "/control/revoke", {}, "email"],
    ["POST", "/control/revoke", { email: 42 }, "email"],
    [
      "POST",
      "/control/issue-tokens",
      { email: "ada@example.com", scope: "openid bogus" },
      "Unknown scopes",
    ],
    [
      "POST",
      "/control/issue-tokens",
      { email: "ada@example.com", clientId: "nobody" },
      "Unknown OAuth client",
    ],
    ["PUT", "/control/accounts/ada@example.com", { dailyQuota: -1 }, "dailyQuota"],
    [
      "PUT",
      "/control/accounts/ada@example.com",
      { aliases: [{ sendAsEmail: "nope" }] },
      "aliases.0.sendAsEmail",
    ],
    ["PUT", "/control/accounts/not-an-email", {}, "email address"],
  ])("%s %s %j → 400", async (method, path, body, mention) => {
    const response = await call(method, path, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: "invalid_request", message: expect.stringContaining(mention) as unknown },
    });
  });

  it("answers malformed JSON, oversized bodies, wrong methods and unknown paths", async () => {
    const malformed = await call("POST", "/control/revoke", undefined, "{not json");
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: "invalid_json" } } });

    const huge = await call(
      "POST",
      "/control/revoke",
      undefined,
      JSON.stringify({ email: "a".repeat(2_000_000) }),
    );
    expect(huge).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });

    const wrongMethod = await call("GET", "/control/reset");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");

    expect(await call("GET", "/control/nothing-here")).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    // …and the emulator is still answering.
    expect((await call("GET", "/control/stats")).status).toBe(200);
  });
});

describe("the DNS server", () => {
  it("answers with the records PUT /control/dns sets, and NXDOMAIN for other names", async () => {
    const { Resolver } = await import("node:dns/promises");
    const resolver = new Resolver({ timeout: 1_000, tries: 1 });
    resolver.setServers([emu.dns.address]);

    const set = await call("PUT", "/control/dns", {
      "_dmarc.example.com": { TXT: ["v=DMARC1; p=reject"] },
      "mail.example.com": { A: ["192.0.2.10"] },
    });
    expect(set).toMatchObject({ status: 200, body: { ok: true, names: 2 } });
    expect(await resolver.resolveTxt("_dmarc.example.com")).toEqual([["v=DMARC1; p=reject"]]);
    expect(await resolver.resolve4("mail.example.com")).toEqual(["192.0.2.10"]);
    await expect(resolver.resolveTxt("example.org")).rejects.toMatchObject({ code: "ENOTFOUND" });

    const bad = await call("PUT", "/control/dns", { "_dmarc.example.com": { MX: ["x"] } });
    expect(bad.status).toBe(400);
  });
});
