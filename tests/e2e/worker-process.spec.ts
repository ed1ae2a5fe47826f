// A web-only app (MAILROOM_WORKER=off) with `npm run worker` beside it, as a scaled-out
// deployment runs: the page accepts the message and the worker process sends it. The "postgres"
// project runs it on PostgreSQL too, where LISTEN/NOTIFY carries the wake-up between them.
import { expect } from "@playwright/test";
import { skipWithoutDatabase, test } from "./support/app-database";
import { startMailroomServer, type MailroomApp } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

skipWithoutDatabase();

test.describe("a web-only app (MAILROOM_WORKER=off) with `npm run worker` beside it", () => {
  let app: MailroomApp;
  test.beforeAll(async ({ database }) => {
    app = await startMailroomServer({ database, worker: "process" });
  });
  test.afterAll(async () => {
    await app.stop();
  });

  test("the worker process sends what the web app accepts", async ({ page }) => {
    // The only worker alive is the separate process: the web app runs none of its own.
    const heartbeats = await app.select<{ pid: number }>('SELECT "pid" FROM "WorkerHeartbeat"');
    expect(heartbeats).toEqual([{ pid: app.workerPid }]);

    const email = "worker.process@example.com";
    await signInWithGoogle(page, app.baseUrl, email);
    await expect(page).toHaveURL(/\/overview$/);
    await page.goto(`${app.baseUrl}/compose`);
    await page.getByLabel("To", { exact: true }).fill("bob@example.org");
    await page.getByLabel("Subject").fill("Sent by the worker process");
    await page.getByLabel("Message").fill("Hello from a web-only app.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByRole("status")).toContainText("Message queued");
    await page.getByRole("link", { name: "View it in the history" }).click();

    await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
    await expect(page.getByTestId("detail-smtp-reply")).toContainText("250 2.0.0 OK");
    const inbox = app.emu.control.messages({ email });
    expect(inbox.map((m) => m.subject)).toEqual(["Sent by the worker process"]);
  });
});
