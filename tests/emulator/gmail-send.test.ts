// users.messages.send through googleapis's own Gmail client: the message reaches the mailbox
// marked as sent by the API, and every refusal carries Gmail's status, reason and JSON body.
import { auth, gmail_v1 } from "googleapis/build/src/apis/gmail";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { fakeClock, startTestEmulator } from "./support";

const SEND_SCOPE = "openid email https://www.googleapis.com/auth/gmail.send";
const clock = fakeClock();
let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator({
    now: clock.now,
    accounts: [
      {
        email: "ada@example.com",
        aliases: [
          { sendAsEmail: "ada@analytical.example" },
          { sendAsEmail: "countess@example.org", verificationStatus: "pending" },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  emu.control.setQuota("ada@example.com", 500);
});

function gmail(accessToken: string): gmail_v1.Gmail {
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: accessToken });
  return new gmail_v1.Gmail({ rootUrl: `${emu.gmailApiUrl}/`, auth: client, retry: false });
}

function rfc822(headers: Record<string, string>, body = "Hello from the API."): string {
  const lines = Object.entries({ Subject: "API send", ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${lines.join("\r\n")}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

function raw(message: string): string {
  return Buffer.from(message).toString("base64url");
}

interface GoogleFailure {
  status: number;
  body: { error: { code: number; message: string; status: string; errors: { reason: string }[] } };
  headers: { get(name: string): string | null };
}

async function failure(action: () => Promise<unknown>): Promise<GoogleFailure> {
  try {
    await action();
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown; headers: never } })
      .response;
    if (!response) throw error;
    return {
      status: response.status,
      body: response.data as GoogleFailure["body"],
      headers: response.headers,
    };
  }
  throw new Error("expected the Gmail API call to fail");
}

function header(headers: GoogleFailure["headers"], name: string): string | null {
  return headers.get(name);
}

describe("users.messages.send", () => {
  it("sends with only the gmail.send scope and files the message as sent by the API", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const { status, data } = await gmail(accessToken).users.messages.send({
      userId: "me",
      requestBody: {
        raw: raw(
          rfc822({
            From: "Ada <ada@example.com>",
            To: "bob@example.org",
            Cc: "carol@example.org",
            Bcc: "dave@example.org",
          }),
        ),
      },
    });
    expect(status).toBe(200);
    expect(data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
      threadId: data.id,
      labelIds: ["SENT"],
    });

    const [stored] = emu.control.messages({ email: "ada@example.com" });
    expect(stored).toMatchObject({
      id: data.id,
      via: "api",
      credential: "oauth",
      listener: "api",
      subject: "API send",
      fromRewritten: false,
      envelope: {
        mailFrom: "ada@example.com",
        rcptTo: ["bob@example.org", "carol@example.org", "dave@example.org"],
      },
    });
    // Gmail delivers to Bcc recipients but removes the header from the message.
    expect(stored?.raw).not.toMatch(/^bcc:/im);
    expect(stored?.raw).toContain("Cc: carol@example.org");
    expect(emu.control.stats("ada@example.com").messages).toBe(1);

    // The inbox pages say how it arrived.
    const inbox = await (await fetch(`${emu.inboxUrl}`)).text();
    expect(inbox).toContain("<td>Gmail API</td>");
    const page = await (await fetch(`${emu.inboxUrl}/${data.id}`)).text();
    expect(page).toContain("Gmail API users.messages.send (OAuth)");
  });

  it("takes the RFC 822 message as a media upload (message/rfc822)", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    // googleapis builds the /upload/ URL from the call's own rootUrl, not the client's.
    const { data } = await gmail(accessToken).users.messages.send(
      {
        userId: "ada@example.com",
        media: {
          mimeType: "message/rfc822",
          body: rfc822({ From: "ada@example.com", To: "bob@example.org", Subject: "Uploaded" }),
        },
      },
      { rootUrl: `${emu.gmailApiUrl}/` },
    );
    expect(data.labelIds).toEqual(["SENT"]);
    expect(emu.control.message(data.id ?? "")).toMatchObject({ subject: "Uploaded", via: "api" });
  });

  it("accepts gmail.compose, gmail.modify and the full scope too", async () => {
    for (const scope of [
      "https://www.googleapis.com/auth/gmail.compose",
      "https://www.googleapis.com/auth/gmail.modify",
      "https://mail.google.com/",
    ]) {
      const { accessToken } = emu.control.issueTokens("ada@example.com", { scope });
      const { status } = await gmail(accessToken).users.messages.send({
        userId: "me",
        requestBody: { raw: raw(rfc822({ From: "ada@example.com", To: "bob@example.org" })) },
      });
      expect(status, scope).toBe(200);
    }
  });

  it("flags a From that is neither the account nor an accepted alias, as SMTP does", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const client = gmail(accessToken);
    const send = async (from: string) => {
      const { data } = await client.users.messages.send({
        userId: "me",
        requestBody: { raw: raw(rfc822({ From: from, To: "bob@example.org" })) },
      });
      return emu.control.message(data.id ?? "")?.fromRewritten;
    };
    expect(await send("ada@analytical.example")).toBe(false);
    expect(await send("countess@example.org")).toBe(true);
    expect(await send("mallory@example.net")).toBe(true);
  });
});

describe("users.messages.send refusals", () => {
  it("answers 403 insufficientPermissions to a token without a sending scope", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", {
      scope: "openid email https://www.googleapis.com/auth/gmail.readonly",
    });
    const { status, body } = await failure(() =>
      gmail(accessToken).users.messages.send({
        userId: "me",
        requestBody: { raw: raw(rfc822({ To: "bob@example.org" })) },
      }),
    );
    expect(status).toBe(403);
    expect(body.error).toMatchObject({
      code: 403,
      status: "PERMISSION_DENIED",
      message: "Request had insufficient authentication scopes.",
      errors: [{ reason: "insufficientPermissions" }],
    });
    expect(emu.control.messages()).toHaveLength(0);
  });

  it("answers 401 UNAUTHENTICATED to an expired, a revoked and an unknown token", async () => {
    const expired = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    emu.control.expireAccessTokens("ada@example.com");
    const revoked = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    emu.control.revoke("ada@example.com");
    for (const token of [expired.accessToken, revoked.accessToken, "ya29.not-a-token"]) {
      const { status, body, headers } = await failure(() =>
        gmail(token).users.messages.send({
          userId: "me",
          requestBody: { raw: raw(rfc822({ To: "bob@example.org" })) },
        }),
      );
      expect(status).toBe(401);
      expect(body.error).toMatchObject({
        status: "UNAUTHENTICATED",
        errors: [{ reason: "authError" }],
      });
      expect(header(headers, "www-authenticate")).toContain('error="invalid_token"');
    }
  });

  it("answers 400 invalidArgument to a bad To header and to a message without recipients", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const client = gmail(accessToken);
    const cases: [Record<string, string>, string][] = [
      [{ To: "not an address" }, "Invalid To header"],
      [{ To: "bob@example.org", Cc: "carol@nodot" }, "Invalid Cc header"],
      [{ From: "ada@example.com" }, "Recipient address required"],
      [
        { To: Array.from({ length: 101 }, (_, i) => `r${i}@example.org`).join(", ") },
        "Too many recipients",
      ],
    ];
    for (const [headers, message] of cases) {
      const { status, body } = await failure(() =>
        client.users.messages.send({ userId: "me", requestBody: { raw: raw(rfc822(headers)) } }),
      );
      expect(status).toBe(400);
      expect(body.error).toMatchObject({
        code: 400,
        status: "INVALID_ARGUMENT",
        message,
        errors: [{ reason: "invalidArgument", message }],
      });
    }
    expect(emu.control.messages()).toHaveLength(0);
  });

  it("answers 400 to a body without raw, to raw that is not base64, and to other upload types", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const post = async (path: string, body: string, type = "application/json") => {
      const response = await fetch(`${emu.gmailApiUrl}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": type },
        body,
      });
      return { status: response.status, body: (await response.json()) as GoogleFailure["body"] };
    };
    const missing = await post("/gmail/v1/users/me/messages/send", "{}");
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("'raw' RFC822 payload message string");
    const undecodable = await post("/gmail/v1/users/me/messages/send", '{"raw":"***"}');
    expect(undecodable.status).toBe(400);
    expect(undecodable.body.error.message).toContain("Base64 decoding failed");
    const multipart = await post(
      "/upload/gmail/v1/users/me/messages/send?uploadType=multipart",
      "--x--",
      "multipart/related; boundary=x",
    );
    expect(multipart.status).toBe(400);
    expect(emu.control.messages()).toHaveLength(0);
  });

  it("answers 429 with when to retry once the daily sending quota is used up", async () => {
    emu.control.setQuota("ada@example.com", 2);
    const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const client = gmail(accessToken);
    const firstAt = clock.now();
    await client.users.messages.send({
      userId: "me",
      requestBody: { raw: raw(rfc822({ To: "bob@example.org, carol@example.org" })) },
    });
    clock.advance(60_000);
    const { status, body, headers } = await failure(() =>
      client.users.messages.send({
        userId: "me",
        requestBody: { raw: raw(rfc822({ To: "dave@example.org" })) },
      }),
    );
    const retryAt = new Date(firstAt + 24 * 60 * 60 * 1000).toISOString();
    expect(status).toBe(429);
    expect(body.error).toMatchObject({
      code: 429,
      status: "RESOURCE_EXHAUSTED",
      message: `User-rate limit exceeded.  Retry after ${retryAt}`,
      errors: [{ reason: "userRateLimitExceeded" }],
    });
    expect(header(headers, "retry-after")).toBe(String(24 * 60 * 60 - 60));
    expect(emu.control.messages()).toHaveLength(1);

    // The same quota counts SMTP and API sends alike; once the window moves on, sending resumes.
    clock.advance(24 * 60 * 60 * 1000);
    const fresh = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const { status: resumed } = await gmail(fresh.accessToken).users.messages.send({
      userId: "me",
      requestBody: { raw: raw(rfc822({ To: "dave@example.org" })) },
    });
    expect(resumed).toBe(200);
  });
});

describe("injected API send failures", () => {
  const expected = {
    rateLimitExceeded: { code: 429, status: "RESOURCE_EXHAUSTED", reason: "rateLimitExceeded" },
    userRateLimitExceeded: {
      code: 429,
      status: "RESOURCE_EXHAUSTED",
      reason: "userRateLimitExceeded",
    },
    backendError: { code: 500, status: "INTERNAL", reason: "backendError" },
    unavailable: { code: 503, status: "UNAVAILABLE", reason: "backendError" },
  } as const;

  for (const [error, answer] of Object.entries(expected)) {
    it(`makes the next send answer ${answer.code} ${error}, then sends again`, async () => {
      const { accessToken } = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
      emu.control.failNextApiSend(1, error as keyof typeof expected);
      const client = gmail(accessToken);
      const request = {
        userId: "me",
        requestBody: { raw: raw(rfc822({ To: "bob@example.org" })) },
      };
      const { status, body } = await failure(() => client.users.messages.send(request));
      expect(status).toBe(answer.code);
      expect(body.error).toMatchObject({
        code: answer.code,
        status: answer.status,
        errors: [{ reason: answer.reason }],
      });
      expect(emu.control.messages()).toHaveLength(0);
      expect((await client.users.messages.send(request)).status).toBe(200);
    });
  }

  it("injects over HTTP, only for the named account, and keeps 401 ahead of the fault", async () => {
    const response = await fetch(`${emu.issuer}/control/fail-next-api-send`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ count: 2, error: "unavailable", email: "grace@example.com" }),
    });
    expect(response.status).toBe(200);
    const bad = await fetch(`${emu.issuer}/control/fail-next-api-send`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ error: "teapot" }),
    });
    expect(bad.status).toBe(400);

    const ada = emu.control.issueTokens("ada@example.com", { scope: SEND_SCOPE });
    const grace = emu.control.issueTokens("grace@example.com", { scope: SEND_SCOPE });
    const request = { userId: "me", requestBody: { raw: raw(rfc822({ To: "bob@example.org" })) } };
    expect((await gmail(ada.accessToken).users.messages.send(request)).status).toBe(200);
    expect((await failure(() => gmail("ya29.unknown").users.messages.send(request))).status).toBe(
      401,
    );
    expect(
      (await failure(() => gmail(grace.accessToken).users.messages.send(request))).status,
    ).toBe(503);
    expect(
      (await failure(() => gmail(grace.accessToken).users.messages.send(request))).status,
    ).toBe(503);
    expect((await gmail(grace.accessToken).users.messages.send(request)).status).toBe(200);
  });
});
