// The whole send flow in Chromium: sign in on the consent page, compose, send, history, the
// emulator's mailbox, the status page; revocation and reconnect; one user's messages and tokens
// hidden from everyone else. The "postgres" project runs it on PostgreSQL too.
import { expect } from "@playwright/test";
import { skipWithoutDatabase, test } from "./support/app-database";
import { startMailroomServer, type MailroomApp } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

skipWithoutDatabase();

interface AccountRow {
  id: string;
  refreshTokenSealed: string;
  accessTokenSealed: string;
}

for (const smtp of ["465", "587"] as const) {
  test.describe(`sending through the emulator on ${smtp === "465" ? "implicit TLS" : "STARTTLS"}`, () => {
    let app: MailroomApp;
    test.beforeAll(async ({ database }) => {
      app = await startMailroomServer({ smtp, database });
    });
    test.afterAll(async () => {
      await app.stop();
    });

    test("sign in → compose → send → history shows 250 → mailbox holds it → status test passes", async ({
      page,
    }) => {
      const email = `ada.${smtp}@example.com`;
      await signInWithGoogle(page, app.baseUrl, email);
      await expect(page).toHaveURL(/\/overview$/);
      await expect(page.getByTestId("signed-in-as")).toHaveText(email);
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Compose" })
        .click();
      await expect(page).toHaveURL(/\/compose$/);

      await page.getByLabel("To", { exact: true }).fill("Bob Builder <bob@example.org>");
      await page.getByLabel("Cc", { exact: true }).fill("carol@example.net");
      await page.getByLabel("Bcc", { exact: true }).fill("audit@example.com");
      await page.getByLabel("Subject").fill(`Launch plan over ${smtp}`);
      await page.getByLabel("Message").fill("Hello Bob,\n\nThe launch is on Tuesday.\n");
      await page.getByLabel("Message").press("Control+Enter");
      await expect(page.getByRole("status")).toContainText("Message queued");
      await page.getByRole("link", { name: "View it in the history" }).click();

      await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
      await expect(page.getByTestId("detail-smtp-reply")).toContainText("250 2.0.0 OK");
      await expect(page.getByTestId("timeline")).toContainText("sent");

      await page.getByRole("link", { name: "← History" }).click();
      const row = page.getByTestId("history-row").filter({ hasText: `Launch plan over ${smtp}` });
      await expect(row.getByTestId("status-badge")).toHaveText("sent");
      await expect(row.getByTestId("smtp-reply")).toContainText("250");
      // The display name typed in compose is kept.
      await expect(row).toContainText("Bob Builder <bob@example.org>");

      const inbox = app.emu.control.messages({ email });
      expect(inbox).toHaveLength(1);
      const received = inbox[0]!;
      expect(received.subject).toBe(`Launch plan over ${smtp}`);
      expect(received.envelope.mailFrom).toBe(email);
      expect([...received.envelope.rcptTo].sort()).toEqual([
        "audit@example.com",
        "bob@example.org",
        "carol@example.net",
      ]);
      const raw = app.emu.control.message(received.id)?.raw ?? "";
      expect(raw).toMatch(/^To: Bob Builder <bob@example.org>$/m);
      expect(raw).toMatch(/^Cc: carol@example.net$/m);
      expect(raw).not.toMatch(/^Bcc:/im);
      expect(raw).toContain("The launch is on Tuesday.");

      await page.getByRole("link", { name: "Status" }).click();
      for (const choice of [/implicit TLS/i, /STARTTLS/i]) {
        await page.getByRole("radio", { name: choice }).check();
        await page.getByRole("button", { name: "Test connection" }).click();
        for (const step of ["dns", "tcp", "tls", "auth"]) {
          await expect(page.getByTestId(`diag-step-${step}`)).toHaveAttribute("data-ok", "true", {
            timeout: 20_000,
          });
        }
      }
    });
  });
}

test.describe("a revoked Google account", () => {
  let app: MailroomApp;
  test.beforeAll(async ({ database }) => {
    app = await startMailroomServer({ database });
  });
  test.afterAll(async () => {
    await app.stop();
  });

  test("holds the message, asks to reconnect, and sends it after reconnecting", async ({
    page,
  }) => {
    const email = "grace@example.com";
    await signInWithGoogle(page, app.baseUrl, email);
    await expect(page).toHaveURL(/\/overview$/);
    await page.goto(`${app.baseUrl}/compose`);

    app.emu.control.revoke(email);
    app.emu.control.expireAccessTokens(email);

    await page.getByLabel("To", { exact: true }).fill("bob@example.org");
    await page.getByLabel("Subject").fill("Sent after reconnecting");
    await page.getByLabel("Message").fill("Body");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByRole("link", { name: "View it in the history" }).click();
    await expect(page.getByTestId("timeline")).toContainText(/needs to be reconnected/, {
      timeout: 30_000,
    });
    await expect(page.getByTestId("status-badge")).toHaveText("queued");
    expect(app.emu.control.messages({ email })).toHaveLength(0);

    await page.getByRole("link", { name: "Status" }).click();
    await expect(page.getByTestId("reconnect-alert")).toContainText(/reconnect/i);
    await expect(page.getByTestId("reconnect-alert")).toContainText(
      "Token has been expired or revoked.",
    );
    await page.getByRole("button", { name: "Reconnect Google account" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Continue" }).click();

    await page.goto(`${app.baseUrl}/history`);
    const row = page.getByTestId("history-row").filter({ hasText: "Sent after reconnecting" });
    await expect(row.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
    expect(app.emu.control.messages({ email })).toHaveLength(1);
  });
});

test.describe("security", () => {
  let app: MailroomApp;
  test.beforeAll(async ({ database }) => {
    app = await startMailroomServer({ database });
  });
  test.afterAll(async () => {
    await app.stop();
  });

  test("a second user cannot see or open the first user's messages, and no page or bundle carries a token", async ({
    browser,
  }) => {
    const first = await browser.newPage();
    await signInWithGoogle(first, app.baseUrl, "owner@example.com");
    await expect(first).toHaveURL(/\/overview$/);
    await first.goto(`${app.baseUrl}/compose`);
    await first.getByLabel("To", { exact: true }).fill("bob@example.org");
    await first.getByLabel("Subject").fill("Owner's secret plans");
    await first.getByLabel("Message").fill("Only for the owner");
    await first.getByRole("button", { name: "Send" }).click();
    await first.getByRole("link", { name: "View it in the history" }).click();
    await expect(first.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
    const detailUrl = first.url();

    // Tokens as the app stored them, opened with the app's key.
    const [account] = await app.select<AccountRow>(
      'SELECT "id", "refreshTokenSealed", "accessTokenSealed" FROM "Account"',
    );
    const tokens = [
      app.openSealed(account!.refreshTokenSealed, account!.id, "refreshTokenSealed"),
      app.openSealed(account!.accessTokenSealed, account!.id, "accessTokenSealed"),
    ];
    const seen: string[] = [];
    first.on("response", async (response) => {
      const type = response.headers()["content-type"] ?? "";
      if (/text|javascript|json|x-component/.test(type))
        seen.push(await response.text().catch(() => ""));
    });
    for (const path of ["/compose", "/history", detailUrl.replace(app.baseUrl, ""), "/status"]) {
      await first.goto(`${app.baseUrl}${path}`);
      await first.waitForLoadState("networkidle");
      // The RSC payload of a client-side navigation too.
      const rsc = await first.request.get(`${app.baseUrl}${path}`, { headers: { RSC: "1" } });
      seen.push(await rsc.text());
    }
    expect(seen.length).toBeGreaterThan(8);
    for (const token of tokens) {
      for (const body of seen) expect(body.includes(token)).toBe(false);
    }

    const context = await browser.newContext();
    const second = await context.newPage();
    await signInWithGoogle(second, app.baseUrl, "intruder@example.com");
    await expect(second).toHaveURL(/\/overview$/);
    await second.goto(`${app.baseUrl}/history`);
    await expect(second.getByText("Owner's secret plans")).toHaveCount(0);
    const response = await second.goto(detailUrl);
    expect(response?.status()).toBe(404);
    await expect(second.getByRole("heading", { name: "Message not found" })).toBeVisible();
    await expect(second.getByText("Only for the owner")).toHaveCount(0);
    await context.close();
  });

  test("signed-out visitors get the landing page, never a dashboard", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const path of ["/compose", "/history", "/status"]) {
      await page.goto(`${app.baseUrl}${path}`);
      await expect(page).toHaveURL(`${app.baseUrl}/`);
      await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();
    }
    await context.close();
  });

  test("denied consent and a missing Gmail scope are explained in plain words", async ({
    browser,
  }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app.baseUrl);
    await page.getByRole("button", { name: "Sign in with Google" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("sign-in-error")).toContainText(/did not complete|denied/i);

    await signInWithGoogle(page, app.baseUrl, "noscope@example.com", { uncheckGmailScope: true });
    await expect(page.getByTestId("sign-in-error")).toContainText(
      "Mailroom needs permission to send email as you",
    );
    await context.close();
  });
});
