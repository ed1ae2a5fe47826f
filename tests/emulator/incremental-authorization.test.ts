// Incremental authorization (include_granted_scopes): Google remembers what each account granted
// each client, answers with the union when asked, and forgets it all on revocation. Driven over
// HTTP the way Mailroom's "add Gmail API sending" step goes through it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import {
  authorize,
  authorizeUrl,
  CLIENT_ID,
  CLIENT_SECRET,
  FULL_SCOPE,
  openConsentPage,
  postToken,
  REDIRECT_URI,
  smtpError,
  startTestEmulator,
  submitConsent,
  transport,
} from "./support";

const ADA = "ada@example.com";
const FULL = "https://mail.google.com/";
const SEND = "https://www.googleapis.com/auth/gmail.send";
const SIGN_IN = ["openid", "https://www.googleapis.com/auth/userinfo.email"];
const PROFILE = "https://www.googleapis.com/auth/userinfo.profile";
const SEND_SCOPE = `openid email profile ${SEND}`;
const OTHER_CLIENT = "other.apps.googleusercontent.com";

// What Mailroom sends to add gmail.send to an account that is already signed in.
const INCREMENTAL = {
  scope: SEND_SCOPE,
  include_granted_scopes: "true",
  login_hint: ADA,
  prompt: "consent",
  access_type: "offline",
};

let emu: Emulator;

beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: [{ email: ADA, name: "Ada Lovelace" }],
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        name: "Mailroom",
        redirectUris: [REDIRECT_URI],
      },
      {
        clientId: OTHER_CLIENT,
        clientSecret: "other-secret",
        name: "Other App",
        redirectUris: [REDIRECT_URI],
      },
    ],
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  // Each test starts from an account that granted nothing.
  emu.control.revoke(ADA);
  emu.control.reset();
});

interface Tokens {
  /** The `scope` of the redirect back to the app. */
  redirectScope: string[];
  scope: string[];
  accessToken: string;
  refreshToken: string | undefined;
}

function scopes(value: unknown): string[] {
  return (typeof value === "string" ? value : "").split(" ").filter(Boolean).sort();
}

/** Consent (every checkbox left checked) and the code exchanged, as the app does. */
async function consent(
  params: Record<string, string>,
  clientId = CLIENT_ID,
  clientSecret = CLIENT_SECRET,
): Promise<Tokens> {
  const redirect = await authorize(emu, ADA, {
    access_type: "offline",
    client_id: clientId,
    ...params,
  });
  const { status, body } = await postToken(emu, {
    grant_type: "authorization_code",
    code: redirect.searchParams.get("code") ?? "",
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    client_secret: clientSecret,
  });
  expect(status).toBe(200);
  return {
    redirectScope: scopes(redirect.searchParams.get("scope")),
    scope: scopes(body.scope),
    accessToken: String(body.access_token),
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : undefined,
  };
}

async function refresh(refreshToken: string): Promise<string[]> {
  const { status, body } = await postToken(emu, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  });
  expect(status).toBe(200);
  return scopes(body.scope);
}

async function tokeninfoScope(accessToken: string): Promise<string[]> {
  const response = await fetch(`${emu.issuer}/tokeninfo?access_token=${accessToken}`);
  expect(response.status).toBe(200);
  return scopes(((await response.json()) as { scope: string }).scope);
}

async function apiSend(accessToken: string): Promise<number> {
  const raw = Buffer.from(
    `From: ${ADA}\r\nTo: bob@example.org\r\nSubject: API\r\n\r\nHello.\r\n`,
  ).toString("base64url");
  const response = await fetch(`${emu.gmailApiUrl}/gmail/v1/users/me/messages/send`, {
    method: "POST",
    headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ raw }),
  });
  return response.status;
}

const UNION = [...SIGN_IN, PROFILE, FULL, SEND].sort();
const SEND_ONLY = [...SIGN_IN, PROFILE, SEND].sort();

describe("include_granted_scopes=true", () => {
  it("answers with every scope the account granted this client before, plus the new one", async () => {
    await consent({ scope: FULL_SCOPE });
    const tokens = await consent(INCREMENTAL);
    expect(tokens.scope).toEqual(UNION);
    expect(tokens.redirectScope).toEqual(UNION);
    expect(await tokeninfoScope(tokens.accessToken)).toEqual(UNION);
    // prompt=consent with offline access: a new refresh token, for the union.
    expect(tokens.refreshToken).toBeDefined();
  });

  it("keeps the union on every refresh of the new refresh token", async () => {
    await consent({ scope: FULL_SCOPE });
    const { refreshToken } = await consent(INCREMENTAL);
    expect(await refresh(refreshToken ?? "")).toEqual(UNION);
    expect(await refresh(refreshToken ?? "")).toEqual(UNION);
  });

  it("unions only with what was granted to the same client", async () => {
    await consent({ scope: FULL_SCOPE }, OTHER_CLIENT, "other-secret");
    const tokens = await consent(INCREMENTAL);
    expect(tokens.scope).toEqual(SEND_ONLY);
  });

  it("leaves out a new scope the user unchecked, and keeps the old ones", async () => {
    await consent({ scope: FULL_SCOPE });
    const page = await openConsentPage(emu, INCREMENTAL);
    expect(page.scopeCheckboxes).toEqual([SEND]);
    const { location } = await submitConsent(emu, [
      ["request", page.requestId],
      ["account", ADA],
      ["action", "continue"],
    ]);
    expect(scopes(location?.searchParams.get("scope"))).toEqual([...SIGN_IN, PROFILE, FULL].sort());
  });

  it("gives a token that signs in to SMTP and sends through the API", async () => {
    await consent({ scope: FULL_SCOPE });
    const { accessToken } = await consent(INCREMENTAL);
    const mailer = transport(emu, ADA, accessToken);
    await mailer.sendMail({ from: ADA, to: "bob@example.org", subject: "SMTP", text: "Hi." });
    mailer.close();
    expect(await apiSend(accessToken)).toBe(200);
    expect(emu.control.messages({ email: ADA }).map((m) => m.via)).toEqual(["api", "smtp"]);
  });
});

describe("without include_granted_scopes", () => {
  it.each<Record<string, string>>([{}, { include_granted_scopes: "false" }])(
    "answers with the scopes of this request only (%o)",
    async (extra) => {
      await consent({ scope: FULL_SCOPE });
      const { include_granted_scopes: _include, ...withoutInclude } = INCREMENTAL;
      const tokens = await consent({ ...withoutInclude, ...extra });
      expect(emu.control.authorizationRequests()[0]?.includeGrantedScopes).toBe(false);
      expect(tokens.scope).toEqual(SEND_ONLY);
      expect(tokens.redirectScope).toEqual(SEND_ONLY);
      expect(await refresh(tokens.refreshToken ?? "")).toEqual(SEND_ONLY);
    },
  );

  it("gives a gmail.send token that the API accepts and SMTP refuses with Gmail's 535", async () => {
    await consent({ scope: FULL_SCOPE });
    const { accessToken } = await consent({ scope: SEND_SCOPE, login_hint: ADA });
    expect(await apiSend(accessToken)).toBe(200);

    const mailer = transport(emu, ADA, accessToken);
    const error = await smtpError(() =>
      mailer.sendMail({ from: ADA, to: "bob@example.org", subject: "x", text: "x" }),
    );
    mailer.close();
    expect(error.responseCode).toBe(535);
    expect(error.response).toMatch(/^535-5\.7\.8 Username and Password not accepted\./);
  });
});

describe("revocation", () => {
  async function revokeAtGoogle(token: string): Promise<void> {
    const response = await fetch(`${emu.issuer}/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(response.status).toBe(200);
  }

  async function revokeAtControl(): Promise<void> {
    const response = await fetch(`${emu.issuer}/control/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: ADA }),
    });
    expect(response.status).toBe(200);
  }

  it.each([
    ["/control/revoke", revokeAtControl],
    ["Google's revoke endpoint", revokeAtGoogle],
  ])("forgets every grant when revoked through %s", async (_name, revoke) => {
    const first = await consent({ scope: FULL_SCOPE });
    await revoke(first.refreshToken ?? "");
    const tokens = await consent(INCREMENTAL);
    expect(tokens.scope).toEqual(SEND_ONLY);
  });
});

describe("the consent page", () => {
  it("lists what the hinted account already granted, with checkboxes only for what is new", async () => {
    await consent({ scope: FULL_SCOPE });
    const page = await openConsentPage(emu, INCREMENTAL);
    expect(page.status).toBe(200);
    expect(page.scopeCheckboxes).toEqual([SEND]);
    const granted =
      /<h3 id="granted-heading">Mailroom already has access to<\/h3>([\s\S]*?)<\/ul>/.exec(
        page.html,
      );
    expect(granted?.[1]).toContain("Full access to Gmail");
    expect(granted?.[1]).toContain(FULL);
    expect(granted?.[1]).not.toContain(SEND);
  });

  it("shows no granted access before any consent, or without a login_hint", async () => {
    const fresh = await openConsentPage(emu, INCREMENTAL);
    expect(fresh.html).not.toContain("already has access");
    await consent({ scope: FULL_SCOPE });
    const { login_hint: _hint, ...unhinted } = INCREMENTAL;
    const page = await openConsentPage(emu, unhinted);
    expect(page.html).not.toContain("already has access");
    expect(page.scopeCheckboxes).toEqual([SEND]);
  });

  it("asks no checkbox for a requested scope that comes with the union anyway", async () => {
    await consent({ scope: FULL_SCOPE });
    const page = await openConsentPage(emu, { ...INCREMENTAL, scope: FULL_SCOPE });
    expect(page.scopeCheckboxes).toEqual([]);
    expect(page.html).toContain("Mailroom already has access to");
    const { location } = await submitConsent(emu, [
      ["request", page.requestId],
      ["account", ADA],
      ["action", "continue"],
    ]);
    expect(scopes(location?.searchParams.get("scope"))).toEqual([...SIGN_IN, PROFILE, FULL].sort());
  });

  it("asks again for every requested scope without include_granted_scopes", async () => {
    await consent({ scope: FULL_SCOPE });
    const page = await openConsentPage(emu, { scope: FULL_SCOPE, login_hint: ADA });
    expect(page.scopeCheckboxes).toEqual([FULL]);
    expect(page.html).not.toContain("already has access");
    // Declining it this time gives a token without it.
    const { location } = await submitConsent(emu, [
      ["request", page.requestId],
      ["account", ADA],
      ["action", "continue"],
    ]);
    expect(scopes(location?.searchParams.get("scope"))).toEqual([...SIGN_IN, PROFILE].sort());
  });
});

describe("the include_granted_scopes parameter", () => {
  it.each(["yes", "TRUE", "1", ""])(
    "refuses %o with Google's invalid_request page",
    async (value) => {
      const response = await fetch(authorizeUrl(emu, { include_granted_scopes: value }), {
        redirect: "manual",
      });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      const html = await response.text();
      expect(html).toContain("Error 400: invalid_request");
      expect(html).toContain(`Invalid include_granted_scopes: ${value}`);
    },
  );

  it("is recorded in the authorization log (in process and over HTTP)", async () => {
    await openConsentPage(emu, INCREMENTAL);
    await openConsentPage(emu, { scope: FULL_SCOPE });
    const [plain, incremental] = emu.control.authorizationRequests();
    expect(plain?.includeGrantedScopes).toBe(false);
    expect(incremental).toMatchObject({
      includeGrantedScopes: true,
      loginHint: ADA,
      prompt: ["consent"],
      accessType: "offline",
      scopes: ["openid", SIGN_IN[1], PROFILE, SEND],
    });
    const response = await fetch(`${emu.issuer}/control/authorization-requests`);
    const { requests } = (await response.json()) as {
      requests: { includeGrantedScopes: boolean }[];
    };
    expect(requests.map((r) => r.includeGrantedScopes)).toEqual([false, true]);
  });
});
