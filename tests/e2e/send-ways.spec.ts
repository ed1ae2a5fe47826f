// The three ways to send in Chromium: switch an account to the Gmail API on the status page and
// see the API's answer in history; sign in asking only for gmail.send, then add the full Gmail
// scope with incremental consent; add an app password, send with it, revoke it in Google and
// fix it from the doctor's explanation.
import { expect, type Page, test } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

const GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send";
const GMAIL_FULL = "https://mail.google.com/";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

/** Composes and sends a plain message, then opens it in history. */
async function send(page: Page, subject: string) {
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Message").fill(`Body of ${subject}`);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("link", { name: "View it in the history" }).click();
}

async function chooseWay(page: Page, name: RegExp, saved: string) {
  await page.goto(`${app.baseUrl}/status`);
  const form = page.getByTestId("send-way-form");
  await form.getByRole("radio", { name }).check();
  await form.getByRole("button", { name: "Use this way" }).click();
  await expect(form).toContainText(saved);
  await expect(form.getByRole("radio", { name })).toBeChecked();
}

test("switch an account to the Gmail API: the message goes through the API and history shows its answer", async ({
  page,
}) => {
  const email = "api.way@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);

  await page.goto(`${app.baseUrl}/status`);
  await expect(page.getByRole("radio", { name: /SMTP with OAuth/ })).toBeChecked();
  // The full Gmail scope lets the Gmail API send too: no new consent needed.
  await expect(page.getByTestId("send-way-gmail_api-state")).toHaveText("✓ Ready");
  await chooseWay(page, /^Gmail API/, "Now sending with Gmail API.");
  // The connection test now follows the API's path and checks the token, whatever the SMTP mode.
  await expect(page.getByText("the SMTP port and TLS mode do not apply")).toBeVisible();
  await page.getByRole("button", { name: "Test connection" }).click();
  for (const step of ["dns", "tcp", "tls", "auth"]) {
    await expect(page.getByTestId(`diag-step-${step}`)).toHaveAttribute("data-ok", "true", {
      timeout: 20_000,
    });
  }
  await expect(page.getByTestId("diag-results")).toContainText("gmail.send");

  await send(page, "Through the API");
  await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
  await expect(page.getByTestId("detail-smtp-reply")).toContainText(/Gmail API 200 OK: message/);
  await expect(page.getByTestId("timeline")).toContainText("Sent with Gmail API");
  const [received] = app.emu.control.messages({ email });
  expect(received?.subject).toBe("Through the API");
  expect(received?.via).toBe("api");
});

test("sign in asking only to send, then grant full Gmail access incrementally", async ({
  page,
}) => {
  const email = "send.only@example.com";
  await page.goto(app.baseUrl);
  await page.getByRole("button", { name: "Sign in to send with the Gmail API" }).click();
  await expect(
    page.getByRole("heading", { name: /Sign in|Choose an account/i }).first(),
  ).toBeVisible();
  const [first] = app.emu.control.authorizationRequests();
  expect(first?.scopes).toContain(GMAIL_SEND);
  expect(first?.scopes).not.toContain(GMAIL_FULL);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/overview$/);

  // Only gmail.send was granted, so the account sends with the Gmail API.
  await page.goto(`${app.baseUrl}/status`);
  const scopes = page.getByRole("region", { name: "Access" });
  await expect(scopes).toContainText(GMAIL_SEND);
  await expect(scopes).not.toContainText(GMAIL_FULL);
  await expect(page.getByTestId("sending-scope")).toContainText("Granted for Gmail API");
  await expect(page.getByRole("radio", { name: /^Gmail API/ })).toBeChecked();
  await expect(page.getByTestId("send-way-smtp_oauth-state")).toHaveText(
    "Needs Google's permission first.",
  );
  await send(page, "Sent with gmail.send alone");
  await expect(page.getByTestId("detail-smtp-reply")).toContainText("Gmail API 200 OK", {
    timeout: 30_000,
  });

  // Choosing SMTP without its scope is refused with what to do.
  await page.goto(`${app.baseUrl}/status`);
  const form = page.getByTestId("send-way-form");
  await form.getByRole("radio", { name: /SMTP with OAuth/ }).check();
  await form.getByRole("button", { name: "Use this way" }).click();
  await expect(page.getByTestId("send-way-error")).toContainText("needs Google's permission first");

  await form.getByRole("button", { name: "Grant full Gmail access" }).click();
  await expect(page.getByRole("radio", { name: email })).toBeChecked();
  // Newest first.
  const [asked] = app.emu.control.authorizationRequests();
  expect(asked?.loginHint).toBe(email);
  expect(asked?.includeGrantedScopes).toBe(true);
  expect(asked?.scopes).toContain(GMAIL_FULL);
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/\/status$/);
  // Google kept the earlier grant: both scopes now.
  await expect(scopes).toContainText(GMAIL_SEND);
  await expect(scopes).toContainText(GMAIL_FULL);
  await expect(page.getByTestId("send-way-smtp_oauth-state")).toHaveText("✓ Ready");
  await chooseWay(page, /SMTP with OAuth/, "Now sending with SMTP with OAuth (XOAUTH2).");
  await send(page, "Back over SMTP");
  await expect(page.getByTestId("detail-smtp-reply")).toContainText("250 2.0.0 OK", {
    timeout: 30_000,
  });
});

test("an app password: added after Gmail checks it, sent with, revoked, explained, replaced", async ({
  page,
}) => {
  const email = "app.password@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  app.emu.control.setTwoStepVerification(email, true);
  const first = app.emu.control.createAppPassword(email, { name: "Mailroom" });

  await page.goto(`${app.baseUrl}/status`);
  // The way needs a password before it can be chosen.
  await expect(page.getByTestId("send-way-app_password-state")).toHaveText(
    "Needs an app password (below).",
  );
  const field = page.locator("#app-password");
  await expect(page.getByLabel("App password", { exact: true })).toBeVisible();
  await field.fill("not a password");
  await page.getByRole("button", { name: "Check and save" }).click();
  await expect(page.getByTestId("app-password-error")).toContainText("16 letters");
  await expect(field).toBeFocused();
  // A well-formed password Gmail does not know is refused by Gmail, not stored.
  await field.fill("aaaa bbbb cccc dddd");
  await page.getByRole("button", { name: "Check and save" }).click();
  await expect(page.getByTestId("app-password-error")).toContainText("did not accept");
  await field.fill(first.password);
  await page.getByRole("button", { name: "Check and save" }).click();
  await expect(page.getByTestId("app-password-saved")).toContainText(
    "checked with Gmail and saved",
  );
  // Never shown again: the field is empty and the page holds no trace of it.
  await expect(field).toHaveValue("");
  expect(await page.content()).not.toContain(first.password.replace(/ /g, ""));
  await expect(page.getByTestId("send-way-app_password-state")).toHaveText("✓ Ready");
  await chooseWay(page, /SMTP with an app password/, "Now sending with SMTP with an app password.");

  await send(page, "With the app password");
  await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
  await expect(page.getByTestId("detail-smtp-reply")).toContainText("250");
  await expect(page.getByTestId("timeline")).toContainText("Sent with SMTP with an app password");

  // The owner revokes it in Google: the next message waits, and the doctor says why.
  app.emu.control.revokeAppPassword(email, first.id);
  await send(page, "After the revoke");
  await expect(page.getByTestId("timeline")).toContainText("Gmail refused the app password", {
    timeout: 30_000,
  });
  await expect(page.getByTestId("status-badge")).toHaveText("queued");
  await expect(page.getByTestId("token-warning")).toContainText(
    "no longer accepts the app password",
  );

  await page.goto(`${app.baseUrl}/status`);
  const alert = page.getByTestId("reconnect-alert");
  await expect(alert).toContainText("Add a new app password");
  await expect(alert).toContainText("535");
  await expect(alert.getByTestId("app-password-diagnosis")).toContainText("revoked");
  await alert.getByRole("link", { name: "Add a new app password" }).click();
  await expect(page).toHaveURL(/#app-password$/);

  const second = app.emu.control.createAppPassword(email, { name: "Mailroom again" });
  await expect(page.getByLabel("Replace the app password", { exact: true })).toBeFocused();
  await field.fill(second.password);
  await page.getByRole("button", { name: "Check and save" }).click();
  await expect(page.getByTestId("app-password-saved")).toContainText("saved");
  await expect(page.getByTestId("reconnect-alert")).toHaveCount(0);

  await page.goto(`${app.baseUrl}/history`);
  const row = page.getByTestId("history-row").filter({ hasText: "After the revoke" });
  await expect(row.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
  // Each reached Gmail once.
  expect(
    app.emu.control
      .messages({ email })
      .map((m) => m.subject)
      .sort(),
  ).toEqual(["After the revoke", "With the app password"]);
});
