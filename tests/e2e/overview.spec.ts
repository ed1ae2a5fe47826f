import { expect, test } from "@playwright/test";
import { openDb, type Db } from "../../lib/db";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
let prisma: Db;
test.beforeAll(async () => {
  app = await startMailroomServer();
  prisma = await openDb(`file:${app.databaseFile}`);
});
test.afterAll(async () => {
  await prisma?.$disconnect();
  await app.stop();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

test("the overview's figures match a seeded history, with the latest failures explained", async ({
  page,
}) => {
  const email = "overview@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  const [account] = app.query<{ id: string; userId: string }>(
    'SELECT id, "userId" FROM "Account" WHERE email = ?',
    email,
  );
  if (!account) throw new Error("the account was not created at sign-in");

  const now = Date.now();
  let n = 0;
  const add = (m: {
    status: string;
    agoMs: number;
    recipients?: number;
    reply?: string;
    subject?: string;
  }) => {
    const at = new Date(now - m.agoMs);
    return prisma.message.create({
      data: {
        userId: account.userId,
        accountId: account.id,
        messageIdHeader: `<overview-e2e-${++n}@example.com>`,
        fromAddress: email,
        to: Array.from({ length: m.recipients ?? 1 }, (_, i) => `r${i}@example.org`),
        cc: [],
        bcc: [],
        recipientCount: m.recipients ?? 1,
        subject: m.subject ?? `seeded ${n}`,
        sizeBytes: 100,
        status: m.status,
        createdAt: at,
        updatedAt: at,
        sentAt: m.status === "sent" ? at : null,
        // Nothing here is due: the app's worker leaves the waiting ones alone.
        nextAttemptAt: new Date(now + 365 * DAY),
        lastSmtpReply: m.reply ?? null,
      },
    });
  };
  // Last 24 hours: 2 sent (3 + 2 recipients), 1 waiting, 1 deferred, 1 failed.
  await add({ status: "sent", agoMs: 2 * HOUR, recipients: 3 });
  await add({ status: "sent", agoMs: 4 * HOUR, recipients: 2 });
  await add({ status: "queued", agoMs: HOUR });
  await add({ status: "deferred", agoMs: 3 * HOUR, reply: "421-4.7.0 Try again later" });
  await add({
    status: "failed",
    agoMs: 5 * HOUR,
    subject: "Quarterly report",
    reply: "552-5.3.4 Your message exceeded Google's message size limits.",
  });
  // Four and a half days ago: 4 sent. Twelve days ago: 1 failed.
  for (let i = 0; i < 4; i++) await add({ status: "sent", agoMs: 4.5 * DAY });
  await add({ status: "failed", agoMs: 12 * DAY, subject: "Old failure", reply: "550 refused" });

  await page.goto(`${app.baseUrl}/overview`);
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const cell = (column: string, period: string) => page.getByTestId(`${column}-Last ${period}`);
  const expected = {
    "24 hours": { sent: "2", waiting: "1", deferred: "1", failed: "1" },
    "7 days": { sent: "6", waiting: "1", deferred: "1", failed: "1" },
    "30 days": { sent: "6", waiting: "1", deferred: "1", failed: "2" },
  };
  for (const [period, columns] of Object.entries(expected)) {
    for (const [column, value] of Object.entries(columns)) {
      await expect(cell(column, period)).toHaveText(value);
    }
  }
  await cell("failed", "30 days").getByRole("link").click();
  await expect(page).toHaveURL(/\/history\?status=failed$/);
  await page.goBack();

  // Consumer Gmail counts recipients: 5 in the last 24 hours.
  await expect(page.getByTestId("volume-summary")).toContainText(
    "In the last 24 hours: 5 of 500 recipients, 495 left.",
  );
  await expect(page.getByTestId("volume-chart")).toBeVisible();
  const volume = page.getByTestId("volume-table");
  await page.getByText("The figures as a table").click();
  const rows = volume.locator("tbody tr");
  await expect(rows).toHaveCount(30);
  await expect(rows.nth(0).locator("td").nth(1)).toHaveText("5");
  await expect(rows.nth(4).locator("td").nth(1)).toHaveText("4");

  const failures = page.getByTestId("failures").getByRole("listitem");
  await expect(failures).toHaveCount(2);
  await expect(failures.nth(0)).toContainText("Quarterly report");
  await expect(failures.nth(0)).toContainText("Message exceeded Google's size limits");
  await expect(failures.nth(1)).toContainText("Old failure");
  await expect(failures.nth(1)).toContainText("550 refused");
});
