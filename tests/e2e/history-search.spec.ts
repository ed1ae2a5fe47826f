// The history as a working tool among 1,000 messages: a search by recipient and by subject finds
// the message, a status filter shows only that status, a bulk cancel cancels the selected
// messages, and the CSV export holds the rows the filter shows.
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { seedHistory } from "../../bench/seed-history";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

interface Row {
  id: string;
  to: string;
  subject: string;
  status: string;
}

test("search, filter, bulk cancel and export a history of 1,000 messages", async ({ page }) => {
  const email = "searcher@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  const seeded = await seedHistory(`file:${app.databaseFile}`, {
    messages: 1000,
    ownerEmail: email,
    otherUsers: 1,
  });
  expect(seeded.owner.email).toBe(email);
  // The seeded messages still waiting are put off a day, so the worker leaves them queued.
  const write = new Database(app.databaseFile);
  const later = new Date(Date.now() + 24 * 3_600_000).toISOString().replace("Z", "+00:00");
  write
    .prepare(
      `UPDATE Message SET status = 'queued', scheduledAt = ?, nextAttemptAt = ?
       WHERE userId = ? AND status IN ('queued', 'deferred')`,
    )
    .run(later, later, seeded.owner.userId);
  write.close();
  const owned = (where: string) =>
    app.query<Row>(
      `SELECT id, "to", subject, status FROM Message WHERE userId = ? AND ${where}
       ORDER BY createdAt DESC, id DESC`,
      seeded.owner.userId,
    );
  const target = owned("1 = 1")[500]!;
  const recipient = (JSON.parse(target.to) as string[])[0]!;
  const number = /Order (\d+)/.exec(target.subject)![1]!;

  await page.goto(`${app.baseUrl}/history`);
  const rows = page.getByTestId("history-row");
  await expect(rows).toHaveCount(50);

  // By recipient: every row is to that address, the message among them.
  await page.getByLabel("Search", { exact: true }).fill(recipient);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(recipient)}`));
  await expect(rows.filter({ hasText: target.subject })).toHaveCount(1);
  const toRecipient = owned(`"to" = '${JSON.stringify([recipient])}'`);
  await expect(rows).toHaveCount(toRecipient.length);

  // By a word of the subject: that message alone.
  await page.getByLabel("Search", { exact: true }).fill(number);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(target.subject);

  // A status count is a link to its filter.
  await page.goto(`${app.baseUrl}/history`);
  const failed = owned("status = 'failed'");
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.length).toBeLessThanOrEqual(50);
  await page.getByTestId("status-count-failed").click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(failed.length);
  await expect(page.getByTestId("status-badge")).toHaveText(failed.map(() => "failed"));

  // The CSV export holds the rows the filter shows, and only those.
  const href = await page
    .getByRole("link", { name: "Export all matching messages as CSV" })
    .getAttribute("href");
  expect(href).toBe("/history/export?status=failed");
  const csv = await page.request.get(`${app.baseUrl}${href}`);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).split("\r\n").filter(Boolean);
  expect(lines[0]).toMatch(/^id,created_at_utc,/);
  expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(failed.map((m) => m.id));

  // Bulk cancel: two selected queued messages are canceled, the others stay queued.
  await page.getByRole("combobox", { name: "Status" }).selectOption("queued");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/status=queued/);
  const queued = owned("status = 'queued'");
  expect(queued.length).toBeGreaterThan(2);
  await page.getByRole("checkbox").nth(0).check();
  await page.getByRole("checkbox").nth(1).check();
  await page.getByRole("button", { name: "Cancel selected" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Canceled: 2 messages." })).toBeVisible();
  await expect(rows).toHaveCount(Math.min(50, queued.length - 2));
  const canceled = queued.slice(0, 2).map((m) => m.id);
  const after = app.query<{ id: string; status: string }>(
    `SELECT id, status FROM Message WHERE id IN (?, ?)`,
    ...canceled,
  );
  expect(after.map((m) => m.status)).toEqual(["canceled", "canceled"]);
  expect(owned("status = 'queued'")).toHaveLength(queued.length - 2);
});
