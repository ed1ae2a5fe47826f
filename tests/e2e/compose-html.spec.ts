// Compose as people expect it: recipients as chips checked as they are typed (every bad one
// reported), a rich-text message with bold text and a link, and what Gmail receives — a
// multipart/alternative message whose HTML part holds the formatting and whose text part says
// the same in plain text.
import { expect, test } from "@playwright/test";
import { simpleParser } from "mailparser";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;

test.beforeAll(async () => {
  app = await startMailroomServer();
});

test.afterAll(async () => {
  await app?.stop();
});

test("chips, bold text and a link go out as multipart/alternative with HTML and text parts", async ({
  page,
}) => {
  const email = "ada.html@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);

  // A pasted list becomes chips; the address still being typed becomes one on Enter.
  const to = page.getByLabel("To", { exact: true });
  await to.fill("Bob Builder <bob@example.org>, nope, carol@example.net");
  await to.press("Enter");
  const chips = page.getByTestId("to-chip");
  await expect(chips).toHaveText([/^Bob Builder <bob@example.org>/, /^nope/, /^carol@example.net/]);
  await expect(chips.nth(1)).toHaveAttribute("data-valid", "false");
  await expect(page.locator("#to-invalid")).toHaveText('"nope" is not a valid email address.');
  await expect(to).toHaveAttribute("aria-invalid", "true");
  const cc = page.getByLabel("Cc", { exact: true });
  await cc.fill("dave@example.com");
  await cc.press(",");
  await cc.pressSequentially("not@valid");
  await expect(page.getByTestId("recipient-count")).toHaveText("5 of 100 recipients");
  // A column of addresses pasted from a spreadsheet: one chip per line.
  const bcc = page.getByLabel("Bcc", { exact: true });
  await bcc.evaluate((el) => {
    const data = new DataTransfer();
    data.setData("text/plain", "erin@example.com\r\nfrank@example.com\r\n");
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
  });
  await expect(page.getByTestId("bcc-chip")).toHaveText([
    /^erin@example.com/,
    /^frank@example.com/,
  ]);
  await expect(page.getByTestId("recipient-count")).toHaveText("7 of 100 recipients");

  await page.getByLabel("Subject").fill("Launch plan");
  const editor = page.getByRole("textbox", { name: "Message" });
  await editor.click();
  await page.keyboard.type("The launch is ");
  await page.keyboard.press("Control+b");
  await page.keyboard.type("on Tuesday");
  await page.keyboard.press("Control+b");
  await expect(page.getByRole("button", { name: "Bold" })).toHaveAttribute("aria-pressed", "false");
  await page.keyboard.type(". The plan: ");
  await page.getByRole("button", { name: "Link" }).click();
  await page.getByLabel("Link address").fill("https://example.com/plan");
  await page.getByLabel("Link address").press("Enter");
  await expect(editor.getByRole("link", { name: "https://example.com/plan" })).toBeVisible();

  // Every bad address is reported, not just the first.
  await page.getByRole("button", { name: "Send" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "The message was not sent" });
  await expect(alert).toBeFocused();
  await expect(alert).toContainText('To: "nope" is not a valid email address.');
  await expect(alert).toContainText('Cc: "not@valid" is not a valid email address.');

  // The bad ones removed: Backspace takes the last chip, a chip's button takes any.
  await cc.focus();
  await cc.press("Backspace");
  await page.getByRole("button", { name: "Remove nope" }).click();
  await expect(chips).toHaveCount(2);
  await expect(page.getByTestId("recipient-count")).toHaveText("5 of 100 recipients");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toContainText("Message queued");
  await page.getByRole("link", { name: "View it in the history" }).click();
  await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });

  const [received] = app.emu.control.messages({ email });
  expect([...received!.envelope.rcptTo].sort()).toEqual([
    "bob@example.org",
    "carol@example.net",
    "dave@example.com",
    "erin@example.com",
    "frank@example.com",
  ]);
  const raw = app.emu.control.message(received!.id)?.raw ?? "";
  expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
  // Display names kept.
  expect(raw).toMatch(/^To: Bob Builder <bob@example.org>, carol@example.net$/m);
  const parsed = await simpleParser(raw);
  const html = typeof parsed.html === "string" ? parsed.html : "";
  expect(html).toMatch(/<strong>on Tuesday<\/strong>/);
  expect(html).toContain('<a href="https://example.com/plan">https://example.com/plan</a>');
  expect(html).not.toMatch(/class=|style=/);
  expect(parsed.text?.trim()).toBe("The launch is on Tuesday. The plan: https://example.com/plan");
});

test("a message sent again opens in the editor with its formatting", async ({ page }) => {
  const email = "grace.copy@example.com";
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill("Quoted");
  const editor = page.getByRole("textbox", { name: "Message" });
  await editor.click();
  await page.getByRole("button", { name: "Quote" }).click();
  await page.keyboard.type("Worth repeating");
  await page.getByRole("button", { name: "Send" }).click();
  const link = page.getByRole("link", { name: "View it in the history" });
  const id = (await link.getAttribute("href"))!.split("/").pop()!;
  await expect.poll(() => app.emu.control.messages({ email }).length, { timeout: 30_000 }).toBe(1);
  const [sent] = app.emu.control.messages({ email });
  const sentHtml = (await simpleParser(app.emu.control.message(sent!.id)?.raw ?? "")).html;
  expect(sentHtml).toMatch(/<blockquote>.*Worth repeating.*<\/blockquote>/);

  await page.goto(`${app.baseUrl}/compose?copy=${id}`);
  await expect(page.getByTestId("copy-note")).not.toContainText("Not copied");
  await expect(page.getByTestId("to-chip")).toHaveText([/^bob@example.org/]);
  await expect(page.getByRole("textbox", { name: "Message" }).locator("blockquote")).toHaveText(
    "Worth repeating",
  );
});
