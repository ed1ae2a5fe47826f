// Accounts that are not the happy default: an address Google has not verified, and an account
// whose user changed its address (same sub, tokens keep working under the new address).
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "../../emulator";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  postToken,
  signIn,
  smtpError,
  startTestEmulator,
  transport,
} from "./support";

let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  emu = await startTestEmulator(options);
  return emu;
}

async function idTokenClaims(e: Emulator, idToken: string): Promise<Record<string, unknown>> {
  const jwks = createRemoteJWKSet(new URL(`${e.issuer}/oauth2/v3/certs`));
  const { payload } = await jwtVerify(idToken, jwks, { issuer: e.issuer, audience: CLIENT_ID });
  return payload;
}

async function get(e: Emulator, path: string, token: string) {
  const response = await fetch(`${e.issuer}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function control(e: Emulator, method: string, path: string, body: unknown) {
  const response = await fetch(`${e.issuer}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function send(e: Emulator, user: string, accessToken: string) {
  const mailer = transport(e, user, accessToken);
  try {
    return await mailer.sendMail({ from: user, to: "bob@example.org", text: "x" });
  } finally {
    mailer.close();
  }
}

describe("an unverified email address", () => {
  it("says email_verified false in the ID token, userinfo and tokeninfo", async () => {
    const e = await start();
    e.control.setEmailVerified("ada@example.com", false);
    const tokens = await signIn(e, "ada@example.com");

    expect(await idTokenClaims(e, String(tokens.id_token))).toMatchObject({
      email: "ada@example.com",
      email_verified: false,
    });
    expect((await get(e, "/v1/userinfo", String(tokens.access_token))).body).toMatchObject({
      email: "ada@example.com",
      email_verified: false,
    });
    expect((await get(e, "/tokeninfo", String(tokens.access_token))).body).toMatchObject({
      email: "ada@example.com",
      email_verified: "false",
    });
  });

  it("is set by the accounts option and over HTTP, and can be verified again", async () => {
    const e = await start({ accounts: [{ email: "ada@example.com", emailVerified: false }] });
    const claims = async () => idTokenClaims(e, e.control.issueTokens("ada@example.com").idToken);
    expect(await claims()).toMatchObject({ email_verified: false });

    const verified = await control(e, "PUT", "/control/accounts/ada@example.com", {
      emailVerified: true,
    });
    expect(verified).toMatchObject({ status: 200, body: { account: { emailVerified: true } } });
    expect(await claims()).toMatchObject({ email_verified: true });

    await control(e, "PUT", "/control/accounts/ada@example.com", { emailVerified: false });
    expect(await claims()).toMatchObject({ email_verified: false });
    expect(
      (await control(e, "PUT", "/control/accounts/ada@example.com", { emailVerified: "no" }))
        .status,
    ).toBe(400);
  });

  it("is verified by default", async () => {
    const e = await start();
    const tokens = await signIn(e, "grace@example.com");
    expect(await idTokenClaims(e, String(tokens.id_token))).toMatchObject({
      email_verified: true,
    });
  });
});

describe("a renamed account", () => {
  it("keeps its sub, and its tokens keep working under the new address", async () => {
    const e = await start();
    const before = await signIn(e, "ada@example.com");
    const { sub } = await idTokenClaims(e, String(before.id_token));

    const renamed = e.control.renameAccount("ada@example.com", "Ada.Lovelace@Example.com");
    expect(renamed).toMatchObject({ email: "ada.lovelace@example.com", sub });

    // The access token from before the rename answers with the new address and the same sub.
    const access = String(before.access_token);
    expect((await get(e, "/v1/userinfo", access)).body).toMatchObject({
      sub,
      email: "ada.lovelace@example.com",
    });
    expect((await get(e, "/gmail/v1/users/me/profile", access)).body).toMatchObject({
      emailAddress: "ada.lovelace@example.com",
    });

    // So does the refresh token: the new ID token names the new address.
    const refreshed = await postToken(e, {
      grant_type: "refresh_token",
      refresh_token: String(before.refresh_token),
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(refreshed.status).toBe(200);
    expect(await idTokenClaims(e, String(refreshed.body.id_token))).toMatchObject({
      sub,
      email: "ada.lovelace@example.com",
    });

    // Gmail takes the token for the new address only.
    expect((await send(e, "ada.lovelace@example.com", access)).response).toMatch(/^250/);
    expect((await smtpError(() => send(e, "ada@example.com", access))).responseCode).toBe(535);

    // Signing in again (no new refresh token: the consent moved with the account) finds the same sub.
    const again = await signIn(e, "ada.lovelace@example.com");
    expect(again.refresh_token).toBeUndefined();
    expect(await idTokenClaims(e, String(again.id_token))).toMatchObject({ sub });
  });

  it("gives a later account at the old address a different sub", async () => {
    const e = await start();
    e.control.issueTokens("ada@example.com");
    const { sub } = e.control.renameAccount("ada@example.com", "ada@new.example");
    const newcomer = await signIn(e, "ada@example.com");
    const claims = await idTokenClaims(e, String(newcomer.id_token));
    expect(claims.email).toBe("ada@example.com");
    expect(claims.sub).not.toBe(sub);
  });

  it("keeps the quota used under the old address", async () => {
    const e = await start();
    const { accessToken } = e.control.issueTokens("ada@example.com");
    e.control.setQuota("ada@example.com", 1);
    await send(e, "ada@example.com", accessToken);
    e.control.renameAccount("ada@example.com", "ada@new.example");
    expect((await smtpError(() => send(e, "ada@new.example", accessToken))).responseCode).toBe(550);
  });

  it("renames over HTTP and refuses an unknown account or a taken address", async () => {
    const e = await start({
      accounts: [{ email: "ada@example.com" }, { email: "grace@example.com" }],
    });
    const listed = (await (await fetch(`${e.issuer}/control/accounts`)).json()) as {
      accounts: { email: string; sub: string }[];
    };
    const sub = listed.accounts.find((a) => a.email === "ada@example.com")?.sub;
    expect(sub).toMatch(/^\d{21}$/);
    const ok = await control(e, "POST", "/control/rename-account", {
      email: "ada@example.com",
      newEmail: "ada@new.example",
    });
    expect(ok).toMatchObject({ status: 200, body: { account: { email: "ada@new.example", sub } } });

    for (const [body, message] of [
      [{ email: "nobody@example.com", newEmail: "x@example.com" }, "There is no account"],
      [{ email: "ada@new.example", newEmail: "grace@example.com" }, "already exists"],
      [{ email: "ada@new.example", newEmail: "not-an-email" }, "newEmail"],
    ] as const) {
      const refused = await control(e, "POST", "/control/rename-account", body);
      expect(refused).toEqual({
        status: 400,
        body: {
          error: { code: "invalid_request", message: expect.stringContaining(message) as unknown },
        },
      });
    }
  });
});
