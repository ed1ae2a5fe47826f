// Registered redirect URIs: like Google, the consent page sends the user back only to a URI
// registered for the client, compared exactly; anything else gets the redirect_uri_mismatch page.
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, EmulatorOptions } from "../../emulator";
import { authorize, authorizeUrl, REDIRECT_URI, startTestEmulator } from "./support";

const started: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startTestEmulator(options);
  started.push(emu);
  return emu;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((emu) => emu.stop()));
});

async function authorizePage(emu: Emulator, redirectUri: string, clientId?: string) {
  const params: Record<string, string> = { redirect_uri: redirectUri };
  if (clientId) params.client_id = clientId;
  const response = await fetch(authorizeUrl(emu, params), { redirect: "manual" });
  return {
    status: response.status,
    location: response.headers.get("location"),
    html: await response.text(),
  };
}

function expectMismatch(page: Awaited<ReturnType<typeof authorizePage>>, redirectUri: string) {
  expect(page.status).toBe(400);
  expect(page.location).toBeNull();
  expect(page.html).toContain("Error 400: redirect_uri_mismatch");
  expect(page.html).toContain(`redirect_uri=${redirectUri}`);
}

describe("the demo client", () => {
  it("has Mailroom's default callback registered, and sends the code there", async () => {
    const emu = await start();
    const redirect = await authorize(emu, "ada@example.com", { state: "s" });
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get("code")).toMatch(/^4\/0A/);
  });

  it.each([
    ["another port", "http://localhost:3001/api/auth/callback/google"],
    ["another host name for the same place", "http://127.0.0.1:3000/api/auth/callback/google"],
    ["another path", "http://localhost:3000/api/auth/callback/github"],
    ["an extra query", "http://localhost:3000/api/auth/callback/google?x=1"],
    ["an attacker's site", "https://evil.example/steal"],
  ])("refuses %s with redirect_uri_mismatch and never redirects", async (_, redirectUri) => {
    const emu = await start();
    expectMismatch(await authorizePage(emu, redirectUri), redirectUri);
  });
});

describe("registering redirect URIs", () => {
  const appCallback = "http://localhost:41234/api/auth/callback/google";

  it("takes them from startEmulator({ redirectUris }) for every client", async () => {
    const emu = await start({
      redirectUris: [appCallback],
      clients: [
        { clientId: "a.apps.googleusercontent.com", clientSecret: "a" },
        { clientId: "b.apps.googleusercontent.com", clientSecret: "b" },
      ],
    });
    for (const clientId of ["a.apps.googleusercontent.com", "b.apps.googleusercontent.com"]) {
      expect((await authorizePage(emu, appCallback, clientId)).status).toBe(200);
    }
    const redirect = await authorize(emu, "ada@example.com", {
      client_id: "a.apps.googleusercontent.com",
      redirect_uri: appCallback,
    });
    expect(`${redirect.origin}${redirect.pathname}`).toBe(appCallback);
  });

  it("registers none for a client that lists none", async () => {
    const emu = await start({ clients: [{ clientId: "bare.apps", clientSecret: "x" }] });
    expectMismatch(await authorizePage(emu, REDIRECT_URI, "bare.apps"), REDIRECT_URI);
  });

  it("refuses to start with a malformed redirect URI", async () => {
    await expect(start({ redirectUris: ["localhost:3000/callback"] })).rejects.toThrow(
      /Invalid redirect URI "localhost:3000\/callback"/,
    );
  });

  it("adds one at run time through the control API, in-process or over HTTP", async () => {
    const emu = await start({
      clients: [
        { clientId: "a.apps", clientSecret: "a", redirectUris: [REDIRECT_URI] },
        { clientId: "b.apps", clientSecret: "b", redirectUris: [REDIRECT_URI] },
      ],
    });
    expectMismatch(await authorizePage(emu, appCallback, "a.apps"), appCallback);

    emu.control.registerRedirectUri(appCallback, { clientId: "a.apps" });
    expect((await authorizePage(emu, appCallback, "a.apps")).status).toBe(200);
    expectMismatch(await authorizePage(emu, appCallback, "b.apps"), appCallback);

    const other = "http://127.0.0.1:41235/callback";
    const response = await fetch(`${emu.issuer}/control/redirect-uris`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ redirectUri: other }),
    });
    expect(response.status).toBe(200);
    expect((await authorizePage(emu, other, "a.apps")).status).toBe(200);
    expect((await authorizePage(emu, other, "b.apps")).status).toBe(200);
  });

  it.each([
    [{ redirectUri: "javascript:alert(1)" }, "Invalid redirect URI"],
    [{ redirectUri: "http://localhost:3000/cb#frag" }, "Invalid redirect URI"],
    [{ redirectUri: appCallback, clientId: "nobody" }, "Unknown OAuth client: nobody"],
    [{}, "redirectUri"],
  ])("answers 400 to POST /control/redirect-uris %j", async (body, mention) => {
    const emu = await start();
    const response = await fetch(`${emu.issuer}/control/redirect-uris`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "invalid_request", message: expect.stringContaining(mention) as unknown },
    });
  });
});
