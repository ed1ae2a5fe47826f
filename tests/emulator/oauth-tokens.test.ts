// The token endpoint and what the tokens unlock: PKCE, refresh, revocation, ID tokens, userinfo,
// tokeninfo and expiry on the emulator's clock.
import { createHash } from "node:crypto";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import {
  authorize,
  CLIENT_ID,
  CLIENT_SECRET,
  fakeClock,
  pkcePair,
  postToken,
  REDIRECT_URI,
  signIn,
  startTestEmulator,
} from "./support";

let emu: Emulator | undefined;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function start(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<Emulator> {
  emu = await startTestEmulator(options);
  return emu;
}

function codeGrant(code: string, extra: Record<string, string> = {}) {
  return {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    ...extra,
  };
}

function refreshGrant(refreshToken: string) {
  return {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  };
}

async function get(emulator: Emulator, path: string, token?: string) {
  const response = await fetch(`${emulator.issuer}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the authorization code grant", () => {
  it("exchanges a code with PKCE S256 for tokens and a verifiable ID token", async () => {
    const e = await start({ accounts: [{ email: "ada@example.com", name: "Ada Lovelace" }] });
    const { verifier, challenge } = pkcePair();
    const redirect = await authorize(e, "ada@example.com", {
      state: "st",
      nonce: "n-0S6_WzA2Mj",
      code_challenge: challenge,
      code_challenge_method: "S256",
      access_type: "offline",
    });
    const { status, body } = await postToken(
      e,
      codeGrant(redirect.searchParams.get("code") ?? "", { code_verifier: verifier }),
    );

    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      scope:
        "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile https://mail.google.com/",
    });
    expect(body.access_token).toMatch(/^ya29\./);
    expect(body.refresh_token).toMatch(/^1\/\//);
    const idToken = String(body.id_token);

    const jwks = createRemoteJWKSet(new URL(`${e.issuer}/oauth2/v3/certs`));
    const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
      issuer: e.issuer,
      audience: CLIENT_ID,
      algorithms: ["RS256"],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(decodeProtectedHeader(idToken).alg).toBe("RS256");
    const digest = createHash("sha256").update(String(body.access_token)).digest();
    expect(payload).toMatchObject({
      iss: e.issuer,
      aud: CLIENT_ID,
      azp: CLIENT_ID,
      email: "ada@example.com",
      email_verified: true,
      name: "Ada Lovelace",
      nonce: "n-0S6_WzA2Mj",
      at_hash: digest.subarray(0, 16).toString("base64url"),
    });
    expect(payload.sub).toMatch(/^1\d{20}$/);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.hd).toBeUndefined();
    expect(e.control.stats("ada@example.com").tokenGrants).toBe(1);
  });

  it("gives the same sub to the same email in every emulator, and hd for a Workspace account", async () => {
    const first = await start({
      accounts: [{ email: "grace@corp.example", hostedDomain: "corp.example" }],
    });
    const a = first.control.issueTokens("grace@corp.example");
    const claimsA = JSON.parse(
      Buffer.from(a.idToken.split(".")[1] ?? "", "base64url").toString(),
    ) as Record<string, unknown>;
    expect(claimsA.hd).toBe("corp.example");
    await first.stop();
    const second = await start();
    const b = second.control.issueTokens("GRACE@corp.example");
    const claimsB = JSON.parse(
      Buffer.from(b.idToken.split(".")[1] ?? "", "base64url").toString(),
    ) as Record<string, unknown>;
    expect(claimsB.sub).toBe(claimsA.sub);
  });

  it("rejects a wrong or missing PKCE verifier with Google's bodies", async () => {
    const e = await start();
    const { challenge } = pkcePair();
    const params = { code_challenge: challenge, code_challenge_method: "S256" };

    const wrong = await postToken(
      e,
      codeGrant((await authorize(e, "ada@example.com", params)).searchParams.get("code") ?? "", {
        code_verifier: pkcePair().verifier,
      }),
    );
    expect(wrong).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid code verifier." },
    });

    const missing = await postToken(
      e,
      codeGrant((await authorize(e, "ada@example.com", params)).searchParams.get("code") ?? ""),
    );
    expect(missing).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Missing code verifier." },
    });
  });

  it("accepts a plain PKCE challenge", async () => {
    const e = await start();
    const verifier = pkcePair().verifier;
    const redirect = await authorize(e, "ada@example.com", {
      code_challenge: verifier,
      code_challenge_method: "plain",
    });
    const { status } = await postToken(
      e,
      codeGrant(redirect.searchParams.get("code") ?? "", { code_verifier: verifier }),
    );
    expect(status).toBe(200);
  });

  it("uses a code once", async () => {
    const e = await start();
    const code = (await authorize(e, "ada@example.com")).searchParams.get("code") ?? "";
    expect((await postToken(e, codeGrant(code))).status).toBe(200);
    expect(await postToken(e, codeGrant(code))).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Bad Request" },
    });
  });

  it("lets a code expire after 10 minutes", async () => {
    const clock = fakeClock();
    const e = await start({ now: clock.now });
    const code = (await authorize(e, "ada@example.com")).searchParams.get("code") ?? "";
    clock.advance(10 * 60 * 1000 + 1);
    expect(await postToken(e, codeGrant(code))).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Bad Request" },
    });
  });

  it("requires the redirect_uri the code was issued for", async () => {
    const e = await start();
    const code = (await authorize(e, "ada@example.com")).searchParams.get("code") ?? "";
    expect(
      await postToken(e, codeGrant(code, { redirect_uri: "http://localhost:3000/other" })),
    ).toEqual({
      status: 400,
      body: { error: "redirect_uri_mismatch", error_description: "Bad Request" },
    });
  });

  it("returns a refresh token only on the first offline consent, unless prompt=consent", async () => {
    const e = await start();
    const first = await signIn(e, "ada@example.com");
    expect(first.refresh_token).toEqual(expect.any(String));

    const again = await signIn(e, "ada@example.com");
    expect(again).not.toHaveProperty("refresh_token");
    expect(again.access_token).toEqual(expect.any(String));

    const forced = await signIn(e, "ada@example.com", { prompt: "consent" });
    expect(forced.refresh_token).toEqual(expect.any(String));
    expect(forced.refresh_token).not.toBe(first.refresh_token);

    const online = await signIn(e, "new@example.com", { access_type: "online" });
    expect(online).not.toHaveProperty("refresh_token");
    expect(e.control.stats("ada@example.com").tokenGrants).toBe(3);
  });

  it("answers client errors like Google", async () => {
    const e = await start();
    const code = (await authorize(e, "ada@example.com")).searchParams.get("code") ?? "";
    expect(await postToken(e, codeGrant(code, { client_secret: "wrong" }))).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "Unauthorized" },
    });
    expect(
      await postToken(e, codeGrant(code, { client_id: "nobody.apps.googleusercontent.com" })),
    ).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "The OAuth client was not found." },
    });
    expect(await postToken(e, { grant_type: "password" })).toEqual({
      status: 400,
      body: { error: "unsupported_grant_type", error_description: "Invalid grant_type: password" },
    });
    expect(
      await postToken(e, {
        grant_type: "authorization_code",
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      }),
    ).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "Missing required parameter: code" },
    });
    expect(
      await postToken(e, { grant_type: "refresh_token", client_secret: CLIENT_SECRET }),
    ).toEqual({
      status: 400,
      body: {
        error: "invalid_request",
        error_description: "Could not determine client ID from request.",
      },
    });
  });

  it("takes client credentials through HTTP Basic (client_secret_basic)", async () => {
    const e = await start();
    const code = (await authorize(e, "ada@example.com")).searchParams.get("code") ?? "";
    const { status, body } = await postToken(
      e,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      { basic: [CLIENT_ID, CLIENT_SECRET] },
    );
    expect(status).toBe(200);
    expect(body.access_token).toEqual(expect.any(String));
  });
});

describe("the refresh token grant", () => {
  it("issues a new access token with the granted scope and no new refresh token", async () => {
    const e = await start();
    const tokens = await signIn(e, "ada@example.com");
    const { status, body } = await postToken(e, refreshGrant(String(tokens.refresh_token)));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: tokens.scope });
    expect(body).not.toHaveProperty("refresh_token");
    expect(body.access_token).not.toBe(tokens.access_token);
    expect(body.id_token).toEqual(expect.any(String));
    expect(e.control.stats("ada@example.com").refreshes).toBe(1);
  });

  it("answers invalid_grant with Google's exact body once the account revoked access", async () => {
    const e = await start();
    const tokens = await signIn(e, "ada@example.com");
    e.control.revoke("ada@example.com");
    const response = await fetch(`${e.issuer}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(refreshGrant(String(tokens.refresh_token))).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(
      /^\{\s*"error": "invalid_grant",\s*"error_description": "Token has been expired or revoked."\s*\}$/,
    );
    expect((await get(e, "/v1/userinfo", String(tokens.access_token))).status).toBe(401);
  });

  it("answers invalid_grant for a refresh token it never issued", async () => {
    const e = await start();
    expect(await postToken(e, refreshGrant("1//0made-up"))).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
    });
  });

  it("refuses another client's refresh token", async () => {
    const e = await start({
      clients: [
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
        { clientId: "other.apps.googleusercontent.com", clientSecret: "other" },
      ],
    });
    const { refreshToken } = e.control.issueTokens("ada@example.com", {
      clientId: "other.apps.googleusercontent.com",
    });
    expect(await postToken(e, refreshGrant(refreshToken))).toEqual({
      status: 400,
      body: { error: "unauthorized_client", error_description: "Unauthorized" },
    });
  });

  it("keeps at most 100 live refresh tokens per account and client, dropping the oldest", async () => {
    const e = await start();
    const first = e.control.issueTokens("ada@example.com");
    const second = e.control.issueTokens("ada@example.com");
    for (let i = 0; i < 99; i += 1) e.control.issueTokens("ada@example.com");
    expect((await postToken(e, refreshGrant(first.refreshToken))).body).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
    expect((await postToken(e, refreshGrant(second.refreshToken))).status).toBe(200);
  });

  it("gives a refresh token again on the next consent after revocation", async () => {
    const e = await start();
    await signIn(e, "ada@example.com");
    e.control.revoke("ada@example.com");
    const again = await signIn(e, "ada@example.com");
    expect(again.refresh_token).toEqual(expect.any(String));
    expect((await postToken(e, refreshGrant(String(again.refresh_token)))).status).toBe(200);
  });
});

describe("the revocation endpoint", () => {
  it("revokes a refresh token and everything issued with it", async () => {
    const e = await start();
    const tokens = await signIn(e, "ada@example.com");
    const response = await fetch(`${e.issuer}/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: String(tokens.refresh_token) }).toString(),
    });
    expect(response.status).toBe(200);
    expect((await postToken(e, refreshGrant(String(tokens.refresh_token)))).body).toEqual({
      error: "invalid_grant",
      error_description: "Token has been expired or revoked.",
    });
    expect((await get(e, "/tokeninfo?access_token=" + String(tokens.access_token))).status).toBe(
      400,
    );
  });

  it("revokes the grant of an access token too, and answers 400 for an unknown token", async () => {
    const e = await start();
    const tokens = e.control.issueTokens("ada@example.com");
    const revoke = (token: string) =>
      fetch(`${e.issuer}/revoke?token=${encodeURIComponent(token)}`, { method: "POST" });
    expect((await revoke(tokens.accessToken)).status).toBe(200);
    expect((await postToken(e, refreshGrant(tokens.refreshToken))).status).toBe(400);
    const unknown = await revoke(tokens.accessToken);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: "invalid_token",
      error_description: "Token expired or revoked",
    });
  });
});

describe("userinfo and tokeninfo", () => {
  it("describe the token's account and grant", async () => {
    const e = await start({ accounts: [{ email: "ada@example.com", name: "Ada Lovelace" }] });
    const tokens = await signIn(e, "ada@example.com");
    const token = String(tokens.access_token);

    const userinfo = await get(e, "/v1/userinfo", token);
    expect(userinfo.status).toBe(200);
    expect(userinfo.body).toMatchObject({
      email: "ada@example.com",
      email_verified: true,
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
    });
    expect(userinfo.body.sub).toMatch(/^1\d{20}$/);
    const picture = await fetch(String(userinfo.body.picture));
    expect(picture.headers.get("content-type")).toBe("image/svg+xml");

    const info = await get(e, `/tokeninfo?access_token=${encodeURIComponent(token)}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      aud: CLIENT_ID,
      azp: CLIENT_ID,
      sub: userinfo.body.sub,
      scope: tokens.scope,
      email: "ada@example.com",
      email_verified: "true",
      access_type: "offline",
    });
    expect(Number(info.body.expires_in)).toBeGreaterThan(3590);
    expect(Number(info.body.exp)).toBeGreaterThan(Date.now() / 1000);
  });

  it("tokeninfo takes a POSTed token too, and the log never shows a token", async () => {
    const lines: string[] = [];
    const e = await start({ log: (line) => lines.push(line) });
    const { accessToken } = e.control.issueTokens("ada@example.com");
    const posted = await fetch(`${e.issuer}/tokeninfo`, {
      method: "POST",
      body: new URLSearchParams({ access_token: accessToken }),
    });
    expect(posted.status).toBe(200);
    expect((await get(e, `/tokeninfo?access_token=${accessToken}`)).status).toBe(200);
    expect(lines).toContain("http GET /tokeninfo?access_token=*** → 200");
    expect(lines.join("\n")).not.toContain(accessToken);
  });

  it("answer 401 and 400 for a token they do not know", async () => {
    const e = await start();
    const userinfo = await fetch(`${e.issuer}/v1/userinfo`, {
      headers: { Authorization: "Bearer nope" },
    });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await get(e, "/v1/userinfo")).status).toBe(401);
    expect(await get(e, "/tokeninfo?access_token=nope")).toEqual({
      status: 400,
      body: { error: "invalid_token", error_description: "Invalid Value" },
    });
  });
});

describe("access token expiry", () => {
  it("expires access tokens after accessTokenTtlSeconds on the emulator's clock", async () => {
    const clock = fakeClock();
    const e = await start({ now: clock.now, accessTokenTtlSeconds: 120 });
    const tokens = await signIn(e, "ada@example.com");
    expect(tokens.expires_in).toBe(120);
    const token = String(tokens.access_token);

    clock.advance(119_000);
    const info = await get(e, `/tokeninfo?access_token=${token}`);
    expect(info.body.expires_in).toBe("1");
    expect((await get(e, "/v1/userinfo", token)).status).toBe(200);

    clock.advance(1000);
    expect((await get(e, "/v1/userinfo", token)).status).toBe(401);
    expect((await get(e, `/tokeninfo?access_token=${token}`)).status).toBe(400);

    // The refresh token still works and brings a fresh access token.
    const refreshed = await postToken(e, refreshGrant(String(tokens.refresh_token)));
    expect((await get(e, "/v1/userinfo", String(refreshed.body.access_token))).status).toBe(200);
  });

  it("expires access tokens on demand, for one account or all", async () => {
    const e = await start();
    const ada = e.control.issueTokens("ada@example.com");
    const bob = e.control.issueTokens("bob@example.com");
    e.control.expireAccessTokens("ada@example.com");
    expect((await get(e, "/v1/userinfo", ada.accessToken)).status).toBe(401);
    expect((await get(e, "/v1/userinfo", bob.accessToken)).status).toBe(200);
    e.control.expireAccessTokens();
    expect((await get(e, "/v1/userinfo", bob.accessToken)).status).toBe(401);
  });
});
