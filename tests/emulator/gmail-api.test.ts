// The Gmail REST calls: users.getProfile and users.settings.sendAs, with Google's errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { startTestEmulator, transport } from "./support";

let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: [
      {
        email: "ada@example.com",
        name: "Ada Lovelace",
        aliases: [
          { sendAsEmail: "ada@analytical.example", displayName: "Ada (Engine)", isDefault: true },
          { sendAsEmail: "countess@example.org", verificationStatus: "pending" },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await emu.stop();
});

async function get(path: string, token?: string) {
  const response = await fetch(`${emu.gmailApiUrl}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("users.getProfile", () => {
  it("returns the address and counts the mail the account sent", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    const before = await get("/gmail/v1/users/me/profile", accessToken);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      emailAddress: "ada@example.com",
      messagesTotal: 0,
      threadsTotal: 0,
      historyId: expect.stringMatching(/^\d+$/) as unknown,
    });

    const mailer = transport(emu, "ada@example.com", accessToken);
    await mailer.sendMail({ from: "ada@example.com", to: "b@example.org", text: "x" });
    mailer.close();

    const after = await get("/gmail/v1/users/ada@example.com/profile", accessToken);
    expect(after.body).toMatchObject({
      emailAddress: "ada@example.com",
      messagesTotal: 1,
      threadsTotal: 1,
    });
    expect(Number(after.body.historyId)).toBeGreaterThan(Number(before.body.historyId));
  });

  it("answers 401 with Google's error body for a bad or missing token", async () => {
    for (const token of ["ya29.made-up", undefined]) {
      const { status, headers, body } = await get("/gmail/v1/users/me/profile", token);
      expect(status).toBe(401);
      expect(headers.get("www-authenticate")).toContain("Bearer");
      expect(body).toEqual({
        error: {
          code: 401,
          message: expect.stringMatching(
            /^Request had invalid authentication credentials\. Expected OAuth 2 access token/,
          ) as unknown,
          errors: [
            expect.objectContaining({
              reason: "authError",
              domain: "global",
              location: "Authorization",
            }),
          ],
          status: "UNAUTHENTICATED",
        },
      });
    }
  });

  it("answers 401 once the token expired or was revoked", async () => {
    const first = emu.control.issueTokens("grace@example.com").accessToken;
    emu.control.expireAccessTokens("grace@example.com");
    expect((await get("/gmail/v1/users/me/profile", first)).status).toBe(401);
    const second = emu.control.issueTokens("grace@example.com").accessToken;
    emu.control.revoke("grace@example.com");
    expect((await get("/gmail/v1/users/me/profile", second)).status).toBe(401);
  });

  it("answers 403 for a token without a Gmail read scope, or for another user", async () => {
    const sendOnly = emu.control.issueTokens("ada@example.com", {
      scope: "openid https://www.googleapis.com/auth/gmail.send",
    }).accessToken;
    const insufficient = await get("/gmail/v1/users/me/profile", sendOnly);
    expect(insufficient.status).toBe(403);
    expect(insufficient.body).toMatchObject({
      error: {
        code: 403,
        message: "Request had insufficient authentication scopes.",
        status: "PERMISSION_DENIED",
      },
    });

    const { accessToken } = emu.control.issueTokens("ada@example.com");
    const other = await get("/gmail/v1/users/grace@example.com/profile", accessToken);
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({
      error: { message: "Delegation denied for ada@example.com" },
    });
  });
});

describe("users.settings.sendAs", () => {
  it("lists the primary address and the aliases", async () => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    const { status, body } = await get("/gmail/v1/users/me/settings/sendAs", accessToken);
    expect(status).toBe(200);
    expect(body).toEqual({
      sendAs: [
        {
          sendAsEmail: "ada@example.com",
          displayName: "Ada Lovelace",
          replyToAddress: "",
          signature: "",
          isPrimary: true,
          isDefault: false,
          verificationStatus: "accepted",
        },
        {
          sendAsEmail: "ada@analytical.example",
          displayName: "Ada (Engine)",
          replyToAddress: "",
          signature: "",
          isPrimary: false,
          isDefault: true,
          treatAsAlias: true,
          verificationStatus: "accepted",
        },
        {
          sendAsEmail: "countess@example.org",
          displayName: "",
          replyToAddress: "",
          signature: "",
          isPrimary: false,
          isDefault: false,
          treatAsAlias: true,
          verificationStatus: "pending",
        },
      ],
    });
    const one = await get(
      "/gmail/v1/users/me/settings/sendAs/ada%40analytical.example",
      accessToken,
    );
    expect(one.body).toMatchObject({ sendAsEmail: "ada@analytical.example", isDefault: true });
    expect(
      (await get("/gmail/v1/users/me/settings/sendAs/nobody%40example.org", accessToken)).status,
    ).toBe(404);
  });

  it("reflects setAliases, and a primary that is the default when no alias is", async () => {
    emu.control.setAliases("grace@example.com", [
      { sendAsEmail: "admiral@navy.example", displayName: "Admiral" },
    ]);
    const { accessToken } = emu.control.issueTokens("grace@example.com");
    const { body } = await get("/gmail/v1/users/me/settings/sendAs", accessToken);
    expect(body.sendAs).toEqual([
      expect.objectContaining({
        sendAsEmail: "grace@example.com",
        isPrimary: true,
        isDefault: true,
      }),
      expect.objectContaining({
        sendAsEmail: "admiral@navy.example",
        displayName: "Admiral",
        isDefault: false,
        verificationStatus: "accepted",
      }),
    ]);
  });

  it("answers 401 for a bad token", async () => {
    const { status, body } = await get("/gmail/v1/users/me/settings/sendAs", "nope");
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
  });
});
