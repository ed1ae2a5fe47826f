// Attachments from compose in Chromium: two files, one of 10 MB chosen with the picker and one
// dropped on the form, upload with a progress bar each (a send waits for them); the total is
// counted as Gmail counts it, a file that would go over 25 MB is refused before it uploads, and
// the emulator receives both files byte-identical.
import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { simpleParser } from "mailparser";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

const MB = 1024 * 1024;
let app: MailroomServer;

test.beforeAll(async () => {
  app = await startMailroomServer();
});

test.afterAll(async () => {
  await app.stop();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

test("two files upload with progress, an oversized one is refused, and Gmail receives both intact", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const email = "files@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill("Quarterly files");
  const body = page.getByLabel("Message");
  await body.fill("Both files ");
  await body.press("Control+b");
  await body.pressSequentially("attached");

  // On localhost a 10 MB upload is over in a blink: slowed, its progress bar can be seen.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const throttle = (uploadThroughput: number) =>
    cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput,
    });
  await throttle(4 * MB);

  const big = randomBytes(10 * MB);
  const notes = Buffer.from("Revenue,Costs\r\n120,80\r\n");
  const picker = page.locator("#attachments");
  await picker.setInputFiles([
    { name: "figures.bin", mimeType: "application/octet-stream", buffer: big },
  ]);
  const progress = page.getByRole("progressbar", { name: "Uploading figures.bin" });
  await expect(progress).toBeVisible();
  await expect
    .poll(async () => Number(await progress.getAttribute("value")), { timeout: 20_000 })
    .toBeGreaterThan(0);
  // Sending now would lose the file: the form waits.
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wait for the files" })).toBeVisible();
  // The second file is dropped on the form.
  const dropped = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], "notes.csv", { type: "text/csv" }));
    return transfer;
  }, notes.toString("latin1"));
  await page.getByLabel("Subject").dispatchEvent("dragover", { dataTransfer: dropped });
  await page.getByLabel("Subject").dispatchEvent("drop", { dataTransfer: dropped });
  await throttle(-1);
  const files = page.getByRole("list", { name: "Attached files" }).getByRole("listitem");
  await expect(files.filter({ hasText: "Uploaded" })).toHaveCount(2, { timeout: 30_000 });
  // 10 MB encoded: a third larger, plus line breaks and the message around it.
  await expect(page.locator("#attachments-total")).toContainText(/^13\.\d MB of 25 MB/);

  // 16 MB more would be about 35 MB once encoded: refused here, with no upload.
  let uploads = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/uploads")) uploads++;
  });
  await picker.setInputFiles([
    { name: "too-much.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(16 * MB) },
  ]);
  await expect(page.getByRole("alert").filter({ hasText: "too-much.bin" })).toContainText(
    /too-much\.bin \(16 MB\) was not attached: with it the message would be 35\.\d MB once encoded, over Gmail's 25 MB/,
  );
  expect(uploads).toBe(0);
  await expect(files).toHaveCount(2);

  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toContainText("Message queued");

  await expect.poll(() => app.emu.control.messages({ email }).length, { timeout: 30_000 }).toBe(1);
  const received = app.emu.control.message(app.emu.control.messages({ email })[0]!.id);
  const parsed = await simpleParser(Buffer.from(received?.raw ?? ""));
  expect(parsed.subject).toBe("Quarterly files");
  // An HTML message with files: the files beside a multipart/alternative of HTML and text.
  expect(received?.raw).toMatch(/Content-Type: multipart\/alternative/i);
  expect(parsed.html).toMatch(/<strong[^>]*>attached<\/strong>/);
  expect(parsed.text).toContain("Both files attached");
  expect(parsed.attachments.map((a) => [a.filename, sha256(a.content)])).toEqual([
    ["figures.bin", sha256(big)],
    ["notes.csv", sha256(notes)],
  ]);
});
