// The authorization endpoint and consent page, driven over HTTP the way a browser would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import {
  inputs,
  authorize,
  authorizeUrl,
  CLIENT_ID,
  openConsentPage,
  REDIRECT_URI,
  startTestEmulator,
  submitConsent,
} from "./support";

let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: [
      { email: "ada@example.com", name: "Ada Lovelace" },
      { email: "grace@corp.example", name: "Grace Hopper", hostedDomain: "corp.example" },
    ],
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: "mailroom-demo-secret",
        name: "Mailroom",
        redirectUris: [REDIRECT_URI],
      },
      {
        clientId: "strict.apps.googleusercontent.com",
        clientSecret: "strict-secret",
        name: "Strict App",
        redirectUris: ["https://strict.example/callback"],
      },
    ],
  });
});

afterAll(async () => {
  await emu.stop();
});

describe("discovery", () => {
  it("publishes Google's endpoints on the emulator's origin", async () => {
    const response = await fetch(`${emu.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: emu.issuer,
      authorization_endpoint: `${emu.issuer}/o/oauth2/v2/auth`,
      token_endpoint: `${emu.issuer}/token`,
      userinfo_endpoint: `${emu.issuer}/v1/userinfo`,
      jwks_uri: `${emu.issuer}/oauth2/v3/certs`,
      revocation_endpoint: `${emu.issuer}/revoke`,
      code_challenge_methods_supported: ["plain", "S256"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code"],
    });
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
    expect(doc.claims_supported).toEqual(expect.arrayContaining(["sub", "email", "at_hash"]));
  });
});

describe("the consent page", () => {
  it("names the app, lists the accounts and describes each scope in plain words", async () => {
    const page = await openConsentPage(emu, { state: "s1" });
    expect(page.status).toBe(200);
    expect(page.html).toContain("<h1>Choose an account</h1>");
    expect(page.html).toContain("to continue to <strong>Mailroom</strong>");
    expect(page.html).toContain(
      "Read, compose, send, and permanently delete all your email from Gmail",
    );
    expect(page.html).toContain("See your primary Google Account email address");
    expect(page.html).toMatch(/<label for="email">Email<\/label>/);
    expect(page.html).toMatch(/<button[^>]*>\s*Continue\s*<\/button>/);
    expect(page.html).toMatch(/<button[^>]*>\s*Cancel\s*<\/button>/);
    const fields = inputs(page.html);
    expect(fields.filter((f) => f.name === "account").map((f) => f.value)).toEqual([
      "ada@example.com",
      "grace@corp.example",
    ]);
    // Only the non-sign-in scope is a checkbox, and it starts checked.
    expect(fields.filter((f) => f.name === "scope")).toEqual([
      expect.objectContaining({ value: "https://mail.google.com/", checked: true }),
    ]);
    expect(page.html).toContain("prefers-color-scheme: dark");
  });

  it("preselects the login_hint account, or prefills the Email field with an unknown one", async () => {
    const known = inputs((await openConsentPage(emu, { login_hint: "grace@corp.example" })).html);
    expect(known.filter((f) => f.checked).map((f) => f.value)).toContain("grace@corp.example");
    expect(known.find((f) => f.value === "ada@example.com")?.checked).toBe(false);
    const unknown = inputs(
      (await openConsentPage(emu, { login_hint: "new.person@example.org" })).html,
    );
    expect(unknown.find((f) => f.name === "email")?.value).toBe("new.person@example.org");
  });

  it("logs each authorization request shown, login_hint included, newest first (in process and over HTTP)", async () => {
    emu.control.reset();
    await openConsentPage(emu, { login_hint: "grace@corp.example", prompt: "consent" });
    await openConsentPage(emu);
    const [plain, hinted] = emu.control.authorizationRequests();
    expect(plain?.loginHint).toBeUndefined();
    expect(hinted).toMatchObject({
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      loginHint: "grace@corp.example",
      prompt: ["consent"],
    });
    const response = await fetch(`${emu.issuer}/control/authorization-requests`);
    const { requests } = (await response.json()) as { requests: { loginHint?: string }[] };
    expect(requests.map((r) => r.loginHint)).toEqual([undefined, "grace@corp.example"]);
    emu.control.reset();
    expect(emu.control.authorizationRequests()).toEqual([]);
  });

  it("redirects with a code, the state and the granted scope after Continue", async () => {
    const redirect = await authorize(emu, "ada@example.com", { state: "xyz-123" });
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get("state")).toBe("xyz-123");
    expect(redirect.searchParams.get("code")).toMatch(/^4\/0A[\w-]+$/);
    expect(redirect.searchParams.get("scope")).toBe(
      "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile https://mail.google.com/",
    );
  });

  it("creates an account typed on the page on the fly", async () => {
    await authorize(emu, "Typed.Person@Example.net");
    const accounts = (await (await fetch(`${emu.issuer}/control/accounts`)).json()) as {
      accounts: { email: string; name: string; dailyQuota: number }[];
    };
    expect(accounts.accounts).toContainEqual(
      expect.objectContaining({
        email: "typed.person@example.net",
        name: "Typed Person",
        dailyQuota: 500,
      }),
    );
  });

  it("grants only the scopes left checked (granular consent)", async () => {
    const page = await openConsentPage(emu);
    const { location } = await submitConsent(emu, [
      ["request", page.requestId],
      ["account", "ada@example.com"],
      ["action", "continue"],
    ]);
    expect(location?.searchParams.get("scope")).toBe(
      "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
    );
  });

  it("redirects with error=access_denied and the state on Cancel", async () => {
    const page = await openConsentPage(emu, { state: "keep-me" });
    const { status, location } = await submitConsent(emu, [
      ["request", page.requestId],
      ["action", "cancel"],
    ]);
    expect(status).toBe(302);
    expect(location?.searchParams.get("error")).toBe("access_denied");
    expect(location?.searchParams.get("state")).toBe("keep-me");
    expect(location?.searchParams.has("code")).toBe(false);
  });

  it("asks again, with the reason tied to the field, when no usable email was given", async () => {
    const page = await openConsentPage(emu);
    const result = await submitConsent(emu, [
      ["request", page.requestId],
      ["email", "not-an-address"],
      ["action", "continue"],
    ]);
    expect(result.status).toBe(400);
    expect(result.location).toBeUndefined();
    expect(result.html).toContain('aria-invalid="true"');
    expect(result.html).toMatch(/id="email-error" role="alert">Enter a valid email address/);
  });

  it("uses each consent request once", async () => {
    const page = await openConsentPage(emu);
    const fields: [string, string][] = [
      ["request", page.requestId],
      ["email", "ada@example.com"],
      ["action", "continue"],
    ];
    expect((await submitConsent(emu, fields)).status).toBe(302);
    const again = await submitConsent(emu, fields);
    expect(again.status).toBe(400);
    expect(again.html).toContain("This sign-in request has expired");
  });

  it("escapes what the request carries", async () => {
    const page = await openConsentPage(emu, {
      login_hint: '"><script>alert(1)</script>@x.example',
    });
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("<script>alert(1)");
    expect(page.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("answers prompt=none with interaction_required: there is no browser session to reuse", async () => {
    const response = await fetch(authorizeUrl(emu, { prompt: "none", state: "s" }), {
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe("interaction_required");
    expect(location.searchParams.get("state")).toBe("s");
  });
});

describe("invalid authorization requests", () => {
  async function errorPage(params: Record<string, string>) {
    const response = await fetch(authorizeUrl(emu, params), { redirect: "manual" });
    return {
      status: response.status,
      location: response.headers.get("location"),
      html: await response.text(),
    };
  }

  it("shows an error page for an unknown client and never redirects", async () => {
    const page = await errorPage({ client_id: "nobody.apps.googleusercontent.com" });
    expect(page.status).toBe(401);
    expect(page.location).toBeNull();
    expect(page.html).toContain("Error 401: invalid_client");
    expect(page.html).toContain("The OAuth client was not found.");
  });

  it("refuses a redirect_uri the client did not register, without redirecting to it", async () => {
    const page = await errorPage({
      client_id: "strict.apps.googleusercontent.com",
      redirect_uri: "https://evil.example/steal",
    });
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(page.html).toContain("Error 400: redirect_uri_mismatch");
    expect(page.html).toContain("Access blocked: Strict App");
  });

  it("accepts a registered redirect_uri", async () => {
    const page = await openConsentPage(emu, {
      client_id: "strict.apps.googleusercontent.com",
      redirect_uri: "https://strict.example/callback",
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain("<strong>Strict App</strong>");
  });

  it.each([
    [{ redirect_uri: "javascript:alert(1)" }, 400, "redirect_uri_mismatch"],
    [{ redirect_uri: "" }, 400, "Missing required parameter: redirect_uri"],
    [{ client_id: "" }, 400, "Missing required parameter: client_id"],
    [{ response_type: "token" }, 400, "unsupported_response_type"],
    [{ scope: "" }, 400, "Missing required parameter: scope"],
    [{ scope: "openid https://example.com/unknown" }, 400, "invalid_scope"],
    [
      { code_challenge: "short", code_challenge_method: "S256" },
      400,
      "Invalid code_challenge value.",
    ],
    [{ code_challenge_method: "S512" }, 400, "Invalid code_challenge_method value: S512"],
    [{ access_type: "forever" }, 400, "Invalid access_type: forever"],
  ])("shows an error page for %o", async (params, status, text) => {
    const page = await errorPage(params);
    expect(page.status).toBe(status);
    expect(page.location).toBeNull();
    expect(page.html).toContain(text);
  });
});
