// Sending as a Gmail alias in Chromium: the aliases Gmail has verified are in compose's From after
// sign-in, one added in Gmail later appears on "Refresh addresses", and a message sent from it
// reaches Gmail with the alias as From and as the envelope sender.
import { expect, test } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

test("an alias configured in Gmail → Refresh addresses → choose it → send → Gmail's From is the alias", async ({
  page,
}) => {
  const email = "ann.example@example.com";
  app.emu.control.setAliases(email, [
    { sendAsEmail: "sales@example.org", displayName: "Example Sales" },
    { sendAsEmail: "unconfirmed@example.org", verificationStatus: "pending" },
  ]);
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);

  // Fetched at sign-in: the verified alias, not the one still waiting for its confirmation.
  const from = page.getByLabel("From", { exact: true });
  await expect(from.locator("option")).toHaveText([
    `Ann Example <${email}>`,
    "Example Sales <sales@example.org>",
  ]);
  await expect(from).toHaveValue(email);

  app.emu.control.setAliases(email, [
    { sendAsEmail: "sales@example.org", displayName: "Example Sales" },
    { sendAsEmail: "support@example.org", displayName: "Support Desk" },
  ]);
  await page.getByRole("button", { name: "Refresh addresses" }).click();
  await expect(from.locator("option")).toHaveText([
    `Ann Example <${email}>`,
    "Example Sales <sales@example.org>",
    "Support Desk <support@example.org>",
  ]);
  await expect(page.getByTestId("send-as-refreshed")).toContainText("send-as addresses as of");

  await from.selectOption({ label: "Support Desk <support@example.org>" });
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill("From the support desk");
  await page.getByLabel("Message").fill("We fixed it.");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("link", { name: "View it in the history" }).click();
  await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
  // The From line of the message page (the raw headers below say it too).
  await expect(
    page.getByText("Support Desk <support@example.org>", { exact: true }).first(),
  ).toBeVisible();

  const [received] = app.emu.control.messages({ email });
  expect(received?.from).toBe('"Support Desk" <support@example.org>');
  expect(received?.envelope.mailFrom).toBe("support@example.org");
  expect(received?.fromRewritten).toBe(false);
});
