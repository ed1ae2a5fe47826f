// The emulator's own pages in Chromium: the consent screen (pick, type, uncheck, cancel, keyboard),
// the inbox with a message sent through its SMTP listener, and the App passwords page.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import nodemailer from "nodemailer";
import { startEmulator, type Emulator } from "../../emulator";

const CLIENT_ID = "mailroom-demo.apps.googleusercontent.com";
const CLIENT_SECRET = "mailroom-demo-secret";

let emu: Emulator;
let app: Server;
let callbackUrl: string;

test.beforeAll(async () => {
  // No test CA here: the emulator makes its own, and the SMTP client below trusts it explicitly.
  emu = await startEmulator({ accounts: [{ email: "ada@example.com", name: "Ada Lovelace" }] });
  // A stand-in for the app the consent screen sends the user back to.
  app = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>Back in the app</title><h1>Back in the app</h1>");
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  callbackUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callback`;
  emu.control.registerRedirectUri(callbackUrl);
});

test.afterAll(async () => {
  await emu.stop();
  await new Promise((resolve) => app.close(resolve));
});

function authorizeUrl(params: Record<string, string> = {}): string {
  const url = new URL(`${emu.issuer}/o/oauth2/v2/auth`);
  const all = {
    client_id: CLIENT_ID,
    redirect_uri: callbackUrl,
    response_type: "code",
    scope: "openid email profile https://mail.google.com/",
    access_type: "offline",
    state: "state-123",
    ...params,
  };
  for (const [key, value] of Object.entries(all)) url.searchParams.set(key, value);
  return url.toString();
}

async function exchange(code: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${emu.issuer}/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: callbackUrl,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
  return (await response.json()) as Record<string, unknown>;
}

function idTokenEmail(tokens: Record<string, unknown>): unknown {
  const payload = String(tokens.id_token).split(".")[1] ?? "";
  return (JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>)
    .email;
}

test.describe("the consent screen", () => {
  test("picking a listed account and pressing Continue returns a code and the state", async ({
    page,
  }) => {
    await page.goto(authorizeUrl());
    await expect(page.getByRole("heading", { level: 1, name: "Choose an account" })).toBeVisible();
    await expect(page.getByText("to continue to Mailroom")).toBeVisible();
    await expect(
      page.getByText("Read, compose, send, and permanently delete all your email from Gmail"),
    ).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Full access to Gmail" })).toBeChecked();

    await page.getByRole("radio", { name: "ada@example.com" }).check();
    await page.getByRole("button", { name: "Continue" }).click();

    await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();
    const url = new URL(page.url());
    expect(`${url.origin}${url.pathname}`).toBe(callbackUrl);
    expect(url.searchParams.get("state")).toBe("state-123");
    const code = url.searchParams.get("code") ?? "";
    expect(code).toMatch(/^4\/0A/);

    const tokens = await exchange(code);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(idTokenEmail(tokens)).toBe("ada@example.com");
  });

  test("typing another address creates that account", async ({ page }) => {
    await page.goto(authorizeUrl());
    await page.getByLabel("Email", { exact: true }).fill("new.person@example.org");
    // Typing another address unselects the listed account.
    await expect(page.getByRole("radio", { name: "ada@example.com" })).not.toBeChecked();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();

    const tokens = await exchange(new URL(page.url()).searchParams.get("code") ?? "");
    expect(idTokenEmail(tokens)).toBe("new.person@example.org");
  });

  test("unchecking the Gmail scope grants the sign-in scopes only", async ({ page }) => {
    await page.goto(authorizeUrl({ login_hint: "ada@example.com" }));
    await expect(page.getByRole("radio", { name: "ada@example.com" })).toBeChecked();
    await page.getByRole("checkbox", { name: "Full access to Gmail" }).uncheck();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();
    const scope = new URL(page.url()).searchParams.get("scope") ?? "";
    expect(scope.split(" ")).not.toContain("https://mail.google.com/");
    expect(scope.split(" ")).toContain("openid");
  });

  test("Cancel returns error=access_denied with the state", async ({ page }) => {
    await page.goto(authorizeUrl({ state: "cancel-state" }));
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();
    const url = new URL(page.url());
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("state")).toBe("cancel-state");
    expect(url.searchParams.has("code")).toBe(false);
  });

  test("works from the keyboard: type the address and press Enter", async ({ page }) => {
    await page.goto(authorizeUrl());
    await page.getByLabel("Email", { exact: true }).focus();
    await page.keyboard.type("keyboard.user@example.org");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Back in the app" })).toBeVisible();
    expect(new URL(page.url()).searchParams.get("code")).toMatch(/^4\/0A/);
  });

  test("shows the reason next to the field for an invalid address", async ({ page }) => {
    await page.goto(authorizeUrl());
    await page.getByLabel("Email", { exact: true }).fill("not-an-address");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("alert")).toHaveText(/Enter a valid email address/);
    await expect(page.getByLabel("Email", { exact: true })).toHaveAttribute("aria-invalid", "true");
  });

  test("shows an error page, not a redirect, for an unknown client", async ({ page }) => {
    await page.goto(authorizeUrl({ client_id: "unknown.apps.googleusercontent.com" }));
    await expect(page.getByText("Error 401: invalid_client")).toBeVisible();
    expect(page.url()).toContain(emu.issuer);
  });

  test("follows the dark colour scheme", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(authorizeUrl());
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: "light" });
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).toBe("rgb(19, 19, 20)");
    expect(light).toBe("rgb(240, 244, 249)");
  });
});

test.describe("the inbox", () => {
  test("lists a message sent over SMTP and opens it", async ({ page }) => {
    const { accessToken } = emu.control.issueTokens("ada@example.com");
    const mailer = nodemailer.createTransport({
      host: "localhost",
      port: emu.smtp.securePort,
      secure: true,
      auth: { type: "OAuth2", user: "ada@example.com", accessToken },
      tls: { ca: emu.caCertPem },
    });
    await mailer.sendMail({
      from: "Ada Lovelace <ada@example.com>",
      to: "Bob <bob@example.org>",
      subject: "Notes on the Analytical Engine",
      text: "It might act upon other things besides number.",
      messageId: "<engine-notes@example.com>",
    });
    mailer.close();

    await page.goto(emu.inboxUrl);
    await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: "Notes on the Analytical Engine" });
    await expect(row).toContainText("ada@example.com");
    await expect(row).toContainText("bob@example.org");
    await expect(row).toContainText("<engine-notes@example.com>");

    await row.getByRole("link", { name: "Notes on the Analytical Engine" }).click();
    await expect(
      page.getByRole("heading", { level: 1, name: "Notes on the Analytical Engine" }),
    ).toBeVisible();
    await expect(
      page.getByText("It might act upon other things besides number.").first(),
    ).toBeVisible();
    await expect(page.getByRole("heading", { name: "Raw source" })).toBeVisible();

    await page.getByRole("link", { name: "Back to the inbox" }).click();
    await page.getByRole("button", { name: "Clear" }).click();
    await expect(page.getByText("No messages yet.")).toBeVisible();
  });
});

test.describe("the App passwords page", () => {
  test("turns on 2-Step Verification, creates a password from the keyboard, copies and revokes it", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: emu.issuer,
    });
    await page.goto(emu.inboxUrl);
    await page.getByRole("link", { name: "App passwords" }).click();
    await page.getByRole("link", { name: /ada@example\.com/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "App passwords" })).toBeVisible();

    // Refused until 2-Step Verification is on, with the reason read out.
    await page.getByLabel("App name").fill("Mailroom");
    await page.getByLabel("App name").press("Enter");
    await expect(page.getByRole("alert")).toContainText(
      "The setting you are looking for is not available for your account.",
    );
    await expect(page.getByLabel("App name")).toHaveValue("Mailroom");

    await page.getByRole("button", { name: "Turn on 2-Step Verification" }).click();
    await expect(page.getByText("2-Step Verification is on")).toBeVisible();
    await page.getByLabel("App name").fill("Mailroom");
    await page.getByLabel("App name").press("Enter");

    const created = page.getByRole("status");
    await expect(created).toContainText("Your app password for Mailroom");
    const password = (await page.locator("#new-password").textContent()) ?? "";
    expect(password).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    await created.getByRole("button", { name: "Copy" }).click();
    await expect(created).toContainText("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);
    expect(emu.control.appPasswords("ada@example.com").map((entry) => entry.name)).toEqual([
      "Mailroom",
    ]);

    // Shown once: the page itself, loaded again, lists the name but not the password.
    await page.goto(`${emu.appPasswordsUrl}?email=ada%40example.com`);
    await expect(page.getByRole("row").filter({ hasText: "Mailroom" })).toBeVisible();
    await expect(page.getByText(password)).toHaveCount(0);

    await page.getByRole("button", { name: "Revoke Mailroom" }).click();
    await expect(page.getByText("You don't have any app passwords.")).toBeVisible();
    expect(emu.control.appPasswords("ada@example.com")).toEqual([]);
  });
});
