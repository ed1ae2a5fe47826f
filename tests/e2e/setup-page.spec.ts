// The setup page in Chromium, on the production build against the emulator: every check green on
// a server that is set up, from the navigation; red with what to do once the database falls behind.
import { expect, test } from "@playwright/test";
import { shippedMigrations } from "../../lib/database-migrations";
import { CHECK_IDS } from "../../lib/setup/types";
import { recordAppliedMigrations } from "../support/applied-migrations";
import { TEST_CLIENT } from "../support/test-app-env";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { SESSION_COOKIE, seedSignedInUser, writeDatabase } from "./support/seed-session";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
  // The test database gets its migrations as plain SQL; record them as `npm start` would.
  await recordAppliedMigrations(`file:${app.databaseFile}`);
});
test.afterAll(async () => {
  await app.stop();
});

test("shows every check green from the navigation, then the database red with what to do", async ({
  page,
  context,
}) => {
  const user = seedSignedInUser(app.databaseFile, "operator@example.com");
  await context.addCookies([{ name: SESSION_COOKIE, value: user.sessionToken, url: app.baseUrl }]);
  await page.goto(`${app.baseUrl}/status`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Setup" }).click();
  await expect(page.getByRole("heading", { name: "Setup check", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Setup" })).toHaveAttribute("aria-current", "page");

  await expect(page.getByTestId("setup-summary")).toHaveText("Every check passed.");
  for (const id of CHECK_IDS) {
    await expect(page.getByTestId(`setup-check-${id}`)).toHaveAttribute("data-status", "ok");
  }
  await expect(page.getByTestId("setup-check-redirect-uri")).toContainText(
    `${app.baseUrl}/api/auth/callback/google`,
  );
  await expect(page.getByText("What to do")).toHaveCount(0);
  expect(await page.content()).not.toContain(TEST_CLIENT.clientSecret);

  const latest = shippedMigrations(`file:${app.databaseFile}`).at(-1);
  writeDatabase(
    app.databaseFile,
    "DELETE FROM _prisma_migrations WHERE migration_name = ?",
    latest,
  );
  await page.getByRole("link", { name: "Check again" }).click();
  const database = page.getByTestId("setup-check-database");
  await expect(database).toHaveAttribute("data-status", "fail");
  await expect(database).toContainText(`not applied: ${latest}`);
  await expect(database).toContainText("What to do: Run npm run db:migrate");
  // The in-process worker still beats in the tables that are there.
  await expect(page.getByTestId("setup-check-worker")).toHaveAttribute("data-status", "ok");
  await expect(page.getByTestId("setup-summary")).toHaveText("1 check failed.");
});
