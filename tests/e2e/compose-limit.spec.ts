// Gmail takes messages up to 25 MB: the compose form refuses a larger one before uploading it,
// with the error on the Message editor; a message over Next's default 1 MB server-action limit
// goes through; the server still checks on its own, and takes a 25 MB post to do so.
import { expect, test, type Page } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { SESSION_COOKIE, seedSignedInUser, type SeededUser } from "./support/seed-session";
import { actionHeaders, formArgs, serverActions } from "./support/server-actions";

const MB = 1024 * 1024;
let app: MailroomServer;
let user: SeededUser;

test.beforeAll(async () => {
  app = await startMailroomServer();
  user = seedSignedInUser(app.databaseFile, "limits@example.com");
});

test.afterAll(async () => {
  await app.stop();
});

test.beforeEach(async ({ context }) => {
  await context.addCookies([{ name: SESSION_COOKIE, value: user.sessionToken, url: app.baseUrl }]);
});

async function fillCompose(page: Page, bytes: number) {
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill(`A message of ${bytes} bytes`);
  // Typing megabytes into the editor would take minutes: the editor's HTML field is set
  // directly, as the editor would set it.
  await page.locator('input[name="html"]').evaluate((el, n) => {
    (el as HTMLInputElement).value = `<p>${"x".repeat(n - 7)}</p>`;
  }, bytes);
}

/**
 * Counts the page's posts to the send action from now on. The form's other actions (recipient
 * suggestions, drafts) may post on their own while it is filled.
 */
function countSendPosts(page: Page): () => number {
  const send = serverActions().sendMessageAction!;
  let posts = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && r.headers()["next-action"] === send.id) posts++;
  });
  return () => posts;
}

test("a message over 25 MB is refused in the browser, on the Message field, without posting", async ({
  page,
}) => {
  await fillCompose(page, 25 * MB + 1);
  const posts = countSendPosts(page);
  await page.getByRole("button", { name: "Send" }).click();
  const message = page.getByRole("textbox", { name: "Message" });
  await expect(message).toHaveAttribute("aria-invalid", "true");
  await expect(message).toHaveAttribute("aria-describedby", "text-error");
  await expect(page.locator("#text-error")).toHaveText(
    "The message is 25.1 MB; Gmail takes at most 25 MB.",
  );
  expect(posts()).toBe(0);
});

test("a 5 MB message is queued (Next's default action limit is 1 MB)", async ({ page }) => {
  await fillCompose(page, 5 * MB);
  // The same count sees this send: the test above counts what it claims to.
  const posts = countSendPosts(page);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toContainText("Message queued", { timeout: 60_000 });
  expect(posts()).toBe(1);
});

test("the server refuses an oversized message that skipped the browser's check", async () => {
  const send = serverActions().sendMessageAction!;
  const post = (text: string) =>
    fetch(`${app.baseUrl}${send.page}`, {
      method: "POST",
      headers: actionHeaders(send, app.baseUrl, user.cookie),
      body: formArgs([
        ["from", user.email],
        ["to", "bob@example.org"],
        ["subject", "Too big"],
        ["text", text],
      ]),
    });
  const overMessage = await post("x".repeat(25 * MB + 1));
  expect(overMessage.status).toBe(200);
  expect(await overMessage.text()).toContain("The message is larger than 25 MB.");
  const overBody = await post("x".repeat(31 * MB));
  expect(overBody.status).toBe(413);
});
