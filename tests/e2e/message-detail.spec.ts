import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import MailComposer from "nodemailer/lib/mail-composer";
import { openDb, type Db } from "../../lib/db";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
let prisma: Db;
// A remote image's server: counts how often the image is fetched.
let images: Server;
let imageHits = 0;
test.beforeAll(async () => {
  app = await startMailroomServer();
  prisma = await openDb(`file:${app.databaseFile}`);
  images = createServer((_request, response) => {
    imageHits++;
    response.writeHead(200, { "Content-Type": "image/gif" });
    response.end(Buffer.from("R0lGODlhAQABAAAAACw=", "base64"));
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
});
test.afterAll(async () => {
  await prisma?.$disconnect();
  await app.stop();
  images?.close();
});

test("a message's page: HTML in a sandboxed frame, remote images on request, attachments, headers, .eml, send again", async ({
  page,
}) => {
  const email = "reader@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  const [account] = app.query<{ id: string; userId: string }>(
    'SELECT id, "userId" FROM "Account" WHERE email = ?',
    email,
  );
  if (!account) throw new Error("the account was not created at sign-in");

  const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/pixel.gif`;
  const text = Array.from({ length: 60 }, (_, i) => `Line ${i + 1} of the report.`).join("\n");
  const mime = await new MailComposer({
    from: email,
    to: "bob@example.org",
    cc: "carol@example.net",
    subject: "Quarterly report",
    text,
    html:
      '<p id="greeting">Hello from HTML</p>' +
      "<script>document.getElementById('greeting').textContent = 'a script ran';</script>" +
      `<img alt="tracker" src="${imageUrl}">`,
    attachments: [
      { filename: "report.pdf", content: Buffer.alloc(3000, 7), contentType: "application/pdf" },
    ],
  })
    .compile()
    .build();
  // Canceled, so the app's worker leaves it alone and the page offers "Send again".
  const message = await prisma.message.create({
    data: {
      userId: account.userId,
      accountId: account.id,
      messageIdHeader: "<detail-e2e@example.com>",
      fromAddress: email,
      to: ["bob@example.org"],
      cc: ["carol@example.net"],
      bcc: [],
      recipientCount: 2,
      subject: "Quarterly report",
      sizeBytes: mime.length,
      status: "canceled",
      content: { create: { textBody: text, mime: new Uint8Array(mime) } },
    },
  });

  await page.goto(`${app.baseUrl}/history/${message.id}`);
  const frame = page.frameLocator('[data-testid="html-body"]');
  await expect(frame.locator("#greeting")).toHaveText("Hello from HTML");
  await expect(page.getByTestId("html-body")).toHaveAttribute("sandbox", "");
  expect(imageHits).toBe(0);

  const body = await page.request.get(`${app.baseUrl}/api/messages/${message.id}/body`);
  expect(body.headers()["content-security-policy"]).toContain("sandbox");
  expect(body.headers()["content-security-policy"]).toContain("img-src data:;");
  expect(body.headers()["x-frame-options"]).toBe("SAMEORIGIN");

  await page.getByRole("link", { name: "Show remote images" }).click();
  await expect(page).toHaveURL(/\?images=1$/);
  await expect(frame.locator("#greeting")).toHaveText("Hello from HTML");
  await expect.poll(() => imageHits).toBeGreaterThan(0);
  await expect(page.getByRole("link", { name: "Hide remote images" })).toBeVisible();

  // The long text is folded after 30 lines.
  await expect(page.getByTestId("message-body")).toContainText("Line 30 of the report.");
  await expect(page.getByTestId("message-body")).not.toContainText("Line 31 of the report.");
  await page.getByText("Show the other 30 lines").click();
  await expect(page.getByText("Line 60 of the report.")).toBeVisible();

  await expect(page.getByTestId("attachment")).toHaveText(
    /report\.pdf\s*application\/pdf, 2\.9 KB/,
  );
  await page.getByText(/^All headers/).click();
  await expect(page.getByTestId("all-headers")).toContainText("Subject: Quarterly report");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download the raw message (.eml)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("Quarterly report.eml");
  expect(readFileSync(await file.path()).equals(mime)).toBe(true);

  await page.getByRole("link", { name: "Send again" }).click();
  await expect(page).toHaveURL(new RegExp(`/compose\\?copy=${message.id}$`));
  await expect(page.getByTestId("copy-note")).toHaveText(
    "A copy of “Quarterly report”: check it, then send. Not copied: 1 attachment.",
  );
  await expect(page.getByTestId("to-chip")).toHaveText([/^bob@example.org/]);
  await expect(page.getByTestId("cc-chip")).toHaveText([/^carol@example.net/]);
  await expect(page.getByLabel("Subject")).toHaveValue("Quarterly report");
  // The HTML version opens in the editor, without its script or its remote image.
  const editor = page.getByRole("textbox", { name: "Message" });
  await expect(editor).toHaveText("Hello from HTML");
  await expect(editor.locator("img")).toHaveCount(0);
});
