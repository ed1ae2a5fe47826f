// API keys end to end in Chromium: create a key on the API keys page, send with it through the
// HTTP API and, with nodemailer, through the SMTP relay (trusting the certificate the "Send from
// your app" page shows), see both messages sent with the key's name as their source, revoke the
// key on the page, and see both doors refuse it at once.
import { randomBytes, X509Certificate } from "node:crypto";
import { expect, test } from "@playwright/test";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;

test.beforeAll(async () => {
  app = await startMailroomServer({ relay: true });
});

test.afterAll(async () => {
  await app.stop();
});

test("create a key → send with it over HTTP and SMTP → history names it → revoke it → refused", async ({
  page,
}) => {
  const email = "ada.api@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "API keys" })
    .click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await page.getByLabel("Name").fill("Billing app");
  await page.getByRole("radio", { name: /Send and read/ }).check();
  await expect(page.getByRole("checkbox", { name: email })).toBeChecked();
  await page.getByRole("button", { name: "Create key" }).click();

  const secretField = page.getByLabel("Your new API key");
  await expect(secretField).toBeFocused();
  await expect(page.getByRole("status")).toContainText("cannot show it again");
  const secret = await secretField.inputValue();
  expect(secret).toMatch(/^mr_live_[A-Za-z0-9_-]{43}$/);
  const row = page.getByTestId("api-key-row").filter({ hasText: "Billing app" });
  await expect(row).toContainText(`${secret.slice(0, 14)}…`);
  await expect(row).toContainText("Send and read");
  await expect(row.getByTestId("last-used")).toHaveText("Never");

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${app.baseUrl}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${secret}`,
        "Content-Type": "application/json",
        ...init.headers,
      },
    });
  const accepted = await api("/api/v1/messages", {
    method: "POST",
    body: JSON.stringify({
      to: "Bob <bob@example.org>",
      subject: "Sent from the billing app",
      text: "Your invoice is attached.",
      attachments: [
        { filename: "invoice.txt", contentType: "text/plain", content: "SW52b2ljZQ==" },
      ],
    }),
  });
  expect(accepted.status).toBe(202);
  const { id } = (await accepted.json()) as { id: string };
  await expect
    .poll(
      async () =>
        ((await (await api(`/api/v1/messages/${id}`)).json()) as { status: string }).status,
      { timeout: 30_000 },
    )
    .toBe("sent");
  const inbox = app.emu.control.messages({ email });

  // Through the real server and its proxy: the API's own error shape for a body past its limit
  // (refused by its Content-Length before it is read) and for a form instead of JSON.
  const huge = await api("/api/v1/messages", {
    method: "POST",
    body: new Uint8Array(29 * 1024 * 1024 + 1).fill(32),
  });
  expect(huge.status).toBe(413);
  expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("too_large");
  const form = new FormData();
  form.append("to", "bob@example.org");
  const multipart = await fetch(`${app.baseUrl}/api/v1/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${secret}` },
    body: form,
  });
  expect(multipart.status).toBe(415);
  expect(((await multipart.json()) as { error: { code: string } }).error.code).toBe(
    "unsupported_media_type",
  );
  const wrongMethod = await fetch(`${app.baseUrl}/api/v1/messages`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${secret}` },
  });
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
  expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe(
    "method_not_allowed",
  );
  expect(inbox.map((m) => m.subject)).toEqual(["Sent from the billing app"]);

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "History" })
    .click();
  const historyRow = page
    .getByTestId("history-row")
    .filter({ hasText: "Sent from the billing app" });
  await expect(historyRow.getByTestId("source")).toHaveText("API · Billing app");

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "API keys" })
    .click();
  await expect(row.getByTestId("last-used")).toContainText("HTTP API");

  // The relay, set up from what "Send from your app" says.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Send from your app" })
    .click();
  await expect(page.getByRole("heading", { name: "Send from your app", level: 1 })).toBeVisible();
  const settings = page.getByTestId("relay-settings");
  await expect(settings).toContainText("localhost");
  await expect(settings).toContainText(`${app.relayPort} with STARTTLS`);
  await expect(page.getByTestId("example-nodemailer")).toContainText(`port: ${app.relayPort},`);
  const certPem = (await page.getByTestId("relay-certificate").textContent()) ?? "";
  const fingerprint = (await page.getByTestId("relay-fingerprint").textContent()) ?? "";
  expect(fingerprint).toBe(new X509Certificate(certPem).fingerprint256);

  const relay = nodemailer.createTransport({
    // One connection, kept open: it is still logged in when the key is revoked.
    pool: true,
    maxConnections: 1,
    host: "localhost",
    port: app.relayPort,
    secure: false,
    requireTLS: true,
    // Only the certificate the page showed: the relay must present exactly that one.
    tls: { ca: certPem },
    auth: { user: "billing-app", pass: secret },
  });
  const scan = randomBytes(50_000);
  const info = await relay.sendMail({
    from: `Billing <${email}>`,
    to: "Bob <bob@example.org>",
    subject: "Relayed from the billing app",
    text: "The scan is attached.",
    attachments: [{ filename: "scan.bin", content: scan }],
  });
  expect(info.response).toMatch(/^250 2\.6\.0 Message queued as c[0-9a-z]{24}$/);
  await expect.poll(() => app.emu.control.messages({ email }).length, { timeout: 30_000 }).toBe(2);
  const relayed = app.emu.control
    .messages({ email })
    .find((m) => m.subject === "Relayed from the billing app");
  const parsed = await simpleParser(app.emu.control.message(relayed!.id)!.raw);
  expect(parsed.messageId).toBe(info.messageId);
  expect(parsed.text).toBe("The scan is attached.");
  expect(Buffer.compare(parsed.attachments[0]!.content, scan)).toBe(0);

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "History" })
    .click();
  const relayedRow = page
    .getByTestId("history-row")
    .filter({ hasText: "Relayed from the billing app" });
  await expect(relayedRow.getByTestId("source")).toHaveText("Relay · Billing app");
  await expect(relayedRow.getByTestId("smtp-reply")).toContainText("250", { timeout: 30_000 });
  await page.getByLabel("Source").selectOption("relay");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/history\?(.*&)?source=relay(&|$)/);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.getByTestId("history-row")).toContainText("Relayed from the billing app");

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "API keys" })
    .click();
  await expect(row.getByTestId("last-used")).toContainText("SMTP relay");
  await row.getByRole("button", { name: "Revoke Billing app" }).click();
  const confirm = row.getByRole("button", { name: "Revoke key" });
  await expect(confirm).toBeFocused();
  await confirm.click();
  await expect(row).toContainText("Revoked");

  const refused = await api("/api/v1/messages", {
    method: "POST",
    body: JSON.stringify({ to: "bob@example.org", subject: "After revoking", text: "No" }),
  });
  expect(refused.status).toBe(401);
  expect(await refused.json()).toEqual({
    error: { code: "unauthorized", message: "The API key has been revoked." },
  });
  // The relay too: on the connection nodemailer kept open, and on a new one.
  const afterRevoking = {
    from: email,
    to: "bob@example.org",
    subject: "After revoking",
    text: "No",
  };
  await expect(relay.sendMail(afterRevoking)).rejects.toMatchObject({
    responseCode: 535,
    response: expect.stringMatching(/^535 5\.7\.8 The API key has been revoked\./),
  });
  relay.close();
  const again = nodemailer.createTransport({
    host: "localhost",
    port: app.relayPort,
    requireTLS: true,
    tls: { ca: certPem },
    auth: { user: "billing-app", pass: secret },
  });
  await expect(again.sendMail(afterRevoking)).rejects.toMatchObject({
    responseCode: 535,
    response: expect.stringMatching(/^535 5\.7\.8 The API key has been revoked\./),
  });
  again.close();
  expect(app.emu.control.messages({ email })).toHaveLength(2);
});
