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

test("send later reads 'scheduled' with its time, has its own filter, and canceling keeps it from going out", async ({
  page,
}) => {
  const email = "planner@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);

  await page.getByLabel("To", { exact: true }).fill("Bob Builder <bob@example.org>");
  await page.getByLabel("Subject").fill("Tomorrow's reminder");
  await page.getByLabel("Message").fill("See you tomorrow");
  // datetime-local takes the person's local time; the browser turns it into an instant.
  const tomorrow = new Date(Date.now() + 24 * 3_600_000);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000)
    .toISOString()
    .slice(0, 16);
  await page.getByLabel(/Send later/).fill(local);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("link", { name: "View it in the history" }).click();

  await expect(page.getByTestId("status-badge")).toHaveText("scheduled");
  await expect(page.getByTestId("waiting-reason").first()).toContainText("Scheduled for");
  await expect(page.getByTestId("timeline")).toContainText("scheduled for");
  await expect(
    page.getByText("Bob Builder <bob@example.org>", { exact: true }).first(),
  ).toBeVisible();
  const detailUrl = page.url();

  // In the history: "scheduled", the reader's local time, the name, and a filter of its own.
  await page.goto(`${app.baseUrl}/history`);
  const row = page.getByTestId("history-row").filter({ hasText: "Tomorrow's reminder" });
  await expect(row.getByTestId("status-badge")).toHaveText("scheduled");
  await expect(row).toContainText("Bob Builder <bob@example.org>");
  await expect(row).toContainText("Scheduled");
  // The Time column and the waiting reason both give it in the reader's timezone.
  await expect(row.locator("time").first()).toContainText(tomorrow.toLocaleDateString("en-US"));
  await expect(page.getByTestId("status-count-scheduled")).toContainText("1");
  await page.getByTestId("status-count-scheduled").click();
  await expect(page).toHaveURL(/status=scheduled/);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await page.goto(detailUrl);

  await page.getByRole("button", { name: "Cancel message" }).click();
  // It asks first; "Keep it" leaves the message queued.
  await page.getByRole("button", { name: "Keep it" }).click();
  await expect(page.getByTestId("status-badge")).toHaveText("scheduled");
  await page.getByRole("button", { name: "Cancel message" }).click();
  await expect(page.getByRole("button", { name: "Yes, cancel it" })).toBeFocused();
  await page.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByTestId("status-badge")).toHaveText("canceled");
  await expect(page.getByTestId("timeline")).toContainText("Canceled by the sender");
  await expect(page.getByRole("button", { name: "Cancel message" })).toHaveCount(0);
  expect(app.emu.control.messages({ email })).toHaveLength(0);
});

test("compose shows errors beside the fields and keeps what was typed", async ({ page }) => {
  await signInWithGoogle(page, app.baseUrl, "typo@example.com");
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org, not-an-address");
  await page.getByLabel("Subject").fill("Draft subject");
  await page.getByRole("button", { name: "Send" }).click();
  const to = page.getByLabel("To", { exact: true });
  await expect(to).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#to-error")).toHaveText(
    '"not-an-address" is not a valid email address.',
  );
  await expect(page.getByLabel("Subject")).toHaveValue("Draft subject");
  expect(app.emu.control.messages()).toHaveLength(0);
});
