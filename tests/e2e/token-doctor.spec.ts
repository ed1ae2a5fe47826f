// The token doctor in Chromium: Google refuses a token 7 days after consent → the status page
// names the likely cause (an OAuth app in Testing) with its fix, and the dashboard's banner warns;
// Reconnect goes to Google's consent for that account (login_hint), and afterwards the status
// page counts down to the new grant's expiry, since Mailroom now knows the app is in Testing.
import { expect, test } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { writeDatabase } from "./support/seed-session";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");

test("a token dead 7 days after consent: the doctor explains, the banner warns, reconnect names the account, the countdown starts", async ({
  page,
}) => {
  const email = "tess@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);

  // Consent was a week ago; Google ends the grant (the emulator revokes it) and Mailroom's next
  // refresh is refused with invalid_grant.
  writeDatabase(
    app.databaseFile,
    `UPDATE "Account" SET consentedAt = ? WHERE email = ?`,
    iso(new Date(Date.now() - 7 * 24 * 3_600_000 - 10 * 60_000)),
    email,
  );
  app.emu.control.revoke(email);
  app.emu.control.expireAccessTokens(email);

  await page.getByRole("link", { name: "Status" }).click();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("diag-results")).toContainText(/reconnect/i, { timeout: 30_000 });

  await page.reload();
  const alert = page.getByTestId("reconnect-alert");
  await expect(alert).toContainText("Token has been expired or revoked.");
  const diagnosis = alert.getByTestId("token-diagnosis");
  await expect(diagnosis).toHaveAttribute("data-cause", "testing_expiry");
  await expect(diagnosis).toContainText(
    "Likely cause: Expired 7 days after consent: the OAuth app is in Testing.",
  );
  await expect(diagnosis).toContainText("make it Internal");
  await expect(page.getByTestId("token-warning")).toContainText(`${email} needs to be reconnected`);
  await expect(page.getByTestId("token-state")).toHaveText("Reconnect needed");
  await expect(page.getByTestId("refresh-token-state")).toContainText("Refused by Google");

  app.emu.control.reset();
  await alert.getByRole("button", { name: "Reconnect Google account" }).click();
  await expect(page.getByRole("heading", { name: "Choose an account" })).toBeVisible();
  const [asked] = app.emu.control.authorizationRequests();
  expect(asked?.loginHint).toBe(email);
  expect(asked?.prompt).toContain("consent");
  await expect(page.getByRole("radio", { name: email })).toBeChecked();
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page).toHaveURL(/\/status$/);
  await expect(page.getByTestId("token-state")).toHaveText("Connected");
  await expect(page.getByTestId("refresh-token-state")).toHaveText("Stored, encrypted");
  await expect(page.getByTestId("reconnect-alert")).toHaveCount(0);
  await expect(page.getByTestId("token-warning")).toHaveCount(0);
  const countdown = page.getByTestId("testing-expiry");
  await expect(countdown).toHaveAttribute("data-state", "later");
  await expect(countdown).toContainText("Ends in 7 days");
  await expect(countdown).toContainText("Mailroom inferred that the OAuth app is in Testing");
});
