// Who may sign in, and what a sign-in can link: the allowlist, a second Google account during a
// session, hashed session tokens, and the audit page that records it all.
import { createHash } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

/** Starts a Google sign-in from a page that is already signed in, as a second tab could. */
async function startSecondSignIn(page: Page, email: string) {
  const csrf = await page.request.get(`${app.baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const started = await page.request.post(`${app.baseUrl}/api/auth/signin/google`, {
    form: { csrfToken, callbackUrl: `${app.baseUrl}/compose`, json: "true" },
  });
  const { url } = (await started.json()) as { url: string };
  await page.goto(url);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a second Google account signing in during a session is refused, not linked", async ({
  page,
}) => {
  await signInWithGoogle(page, app.baseUrl, "linker@example.com");
  await expect(page).toHaveURL(/\/overview$/);

  await startSecondSignIn(page, "other.account@example.com");
  await expect(page.getByTestId("sign-in-error")).toContainText(
    "did not link this one. To use the other account, sign out first",
  );
  const accounts = app.query<{ email: string }>(
    "SELECT a.email FROM Account a JOIN User u ON u.id = a.userId WHERE u.email = ?",
    "linker@example.com",
  );
  expect(accounts.map((a) => a.email)).toEqual(["linker@example.com"]);
  expect(app.query("SELECT id FROM User WHERE email = ?", "other.account@example.com")).toEqual([]);

  // Still the same person, and the refusal is on the audit page.
  await expect(page.getByTestId("sign-in-error")).toContainText(
    "You are still signed in as linker@example.com",
  );
  await page.getByRole("link", { name: "Back to Mailroom" }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText("linker@example.com");
  await page.getByRole("link", { name: "Audit log" }).click();
  const refused = page.locator('[data-testid="audit-row"][data-kind="account_link_refused"]');
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText("other.account@example.com");
  await expect(page.locator('[data-testid="audit-row"][data-kind="sign_in"]')).toHaveCount(1);

  // Signing in with that account again after signing out makes it a user of its own.
  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();
  await signInWithGoogle(page, app.baseUrl, "other.account@example.com");
  await expect(page.getByTestId("signed-in-as")).toHaveText("other.account@example.com");
  const owners = app.query<{ n: number }>(
    "SELECT COUNT(DISTINCT userId) AS n FROM Account WHERE email IN (?, ?)",
    "linker@example.com",
    "other.account@example.com",
  );
  expect(owners[0]?.n).toBe(2);
});

test("an address that is not allowed is refused with a clear page, and the refusal is audited", async ({
  browser,
}) => {
  const stranger = await browser.newPage();
  await signInWithGoogle(stranger, app.baseUrl, "mallory@not-allowed.test");
  await expect(stranger).toHaveURL(/\/\?error=NotAllowed/);
  await expect(stranger.getByTestId("sign-in-error")).toContainText(
    "This Google account is not allowed to use this Mailroom",
  );
  await stranger.goto(`${app.baseUrl}/compose`);
  await expect(stranger).toHaveURL(`${app.baseUrl}/`);
  expect(app.query("SELECT id FROM User WHERE email = ?", "mallory@not-allowed.test")).toEqual([]);
  await stranger.close();

  const page = await browser.newPage();
  await signInWithGoogle(page, app.baseUrl, "auditor@example.com");
  await page.goto(`${app.baseUrl}/audit?kind=sign_in_refused`);
  const row = page.getByTestId("audit-row").filter({ hasText: "mallory@not-allowed.test" });
  await expect(row).toContainText("Not on ALLOWED_EMAILS or ALLOWED_DOMAINS");
  await expect(row).toContainText(/HeadlessChrome|Chrome/);
  await expect(page.locator('[data-testid="audit-row"][data-kind="sign_in"]')).toHaveCount(0);
  await page.close();
});

test("the database holds only a hash of the session token: a copy of it opens no session", async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithGoogle(page, app.baseUrl, "hashed@example.com");
  await expect(page).toHaveURL(/\/overview$/);
  const cookie = (await context.cookies()).find((c) => c.name === "next-auth.session-token");
  expect(cookie?.value).toBeTruthy();
  const rows = app.query<{ tokenHash: string }>(
    "SELECT s.tokenHash FROM Session s JOIN User u ON u.id = s.userId WHERE u.email = ?",
    "hashed@example.com",
  );
  expect(rows).toHaveLength(1);
  const stored = rows[0]!.tokenHash;
  expect(stored).not.toBe(cookie!.value);
  expect(stored).toBe(createHash("sha256").update(cookie!.value).digest("base64url"));

  // What the database holds, used as a cookie, is not a session.
  const thief = await browser.newContext();
  await thief.addCookies([{ ...cookie!, value: stored }]);
  const thiefPage = await thief.newPage();
  await thiefPage.goto(`${app.baseUrl}/history`);
  await expect(thiefPage).toHaveURL(`${app.baseUrl}/`);
  await thief.close();
  await context.close();
});

test("an address Google has not verified is refused; a renamed Google account keeps its user", async ({
  browser,
}) => {
  app.emu.control.setEmailVerified("unverified@example.com", false);
  const page = await browser.newPage();
  await signInWithGoogle(page, app.baseUrl, "unverified@example.com");
  await expect(page.getByTestId("sign-in-error")).toContainText(
    "Google has not verified this account's email address",
  );
  expect(app.query("SELECT id FROM User WHERE email = ?", "unverified@example.com")).toEqual([]);

  await signInWithGoogle(page, app.baseUrl, "before.rename@example.com");
  await expect(page.getByTestId("signed-in-as")).toHaveText("before.rename@example.com");
  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();
  app.emu.control.renameAccount("before.rename@example.com", "after.rename@example.com");
  await signInWithGoogle(page, app.baseUrl, "after.rename@example.com");
  await expect(page.getByTestId("signed-in-as")).toHaveText("after.rename@example.com");
  const users = app.query<{ email: string }>(
    "SELECT email FROM User WHERE email LIKE '%.rename@example.com'",
  );
  expect(users).toEqual([{ email: "after.rename@example.com" }]);
  await page.close();
});
