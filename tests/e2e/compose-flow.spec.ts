// Compose around the fields: a draft kept as it is typed and restored after a reload (one per
// user), the warning before leaving it unsent, "Undo" after sending that really cancels (the
// emulator receives nothing), the question before sending without a subject, and suggestions
// from addresses written to before.
import { expect, test, type Page } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  // A long hold: "Undo" is clicked well inside it however slow the machine is.
  app = await startMailroomServer({ undoSeconds: 30 });
});
test.afterAll(async () => {
  await app.stop();
});

/** Answers the page's dialogs (beforeunload, confirm) as told, and lists their kinds. */
function dialogs(page: Page) {
  const seen: string[] = [];
  const state = { answer: "accept" as "accept" | "dismiss", seen };
  page.on("dialog", (dialog) => {
    seen.push(dialog.type());
    void (state.answer === "accept" ? dialog.accept() : dialog.dismiss());
  });
  return state;
}

async function openCompose(page: Page, email: string) {
  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);
}

const savedDraft = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage).some((key) => key.startsWith("mailroom:compose-draft:")),
  );

test("a draft is kept as it is typed, restored after a reload, and only for its writer", async ({
  page,
}) => {
  const asked = dialogs(page);
  await openCompose(page, "drafter@example.com");
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill("Half-written plan");
  await page.getByLabel("Message").pressSequentially("Step one: ");
  await expect.poll(() => savedDraft(page)).toBe(true);

  // Leaving with it unsent asks first: a link inside the app, then the reload.
  asked.answer = "dismiss";
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "History" })
    .click();
  await expect.poll(() => asked.seen).toEqual(["confirm"]);
  await expect(page).toHaveURL(/\/compose$/);
  asked.answer = "accept";
  await page.reload();
  expect(asked.seen).toEqual(["confirm", "beforeunload"]);

  await expect(page.getByTestId("draft-note")).toContainText("Draft restored");
  await expect(page.getByTestId("to-chip")).toHaveText([/^bob@example\.org/]);
  await expect(page.getByLabel("Subject")).toHaveValue("Half-written plan");
  await expect(page.getByLabel("Message")).toHaveText(/^Step one:\s*$/);

  // Another person signing in on this browser starts with an empty form.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();
  await openCompose(page, "neighbour@example.com");
  await expect(page.getByLabel("Subject")).toHaveValue("");
  await expect(page.getByTestId("draft-note")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();

  // Its writer gets it back, and can discard it for good.
  await openCompose(page, "drafter@example.com");
  await expect(page.getByLabel("Subject")).toHaveValue("Half-written plan");
  await page.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByLabel("Subject")).toHaveValue("");
  await expect(page.getByTestId("to-chip")).toHaveCount(0);
  await expect.poll(() => savedDraft(page)).toBe(false);
  const before = asked.seen.length;
  await page.reload();
  await expect(page.getByLabel("To", { exact: true })).toBeVisible();
  await expect(page.getByTestId("draft-note")).toHaveCount(0);
  // Nothing unsent: no question on the way out.
  expect(asked.seen).toHaveLength(before);
});

test("Undo after sending cancels the message: it comes back into compose and Gmail gets nothing", async ({
  page,
}) => {
  const email = "undoer@example.com";
  dialogs(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await openCompose(page, email);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Cc", { exact: true }).fill("carl@example.net");
  await page.getByLabel("Subject").fill("Oops, wrong draft");
  await page.getByLabel("Message").fill("Not meant to go.");
  await page.getByRole("button", { name: "Send" }).click();

  const toast = page.getByRole("status").filter({ hasText: "Message queued" });
  await expect(toast).toBeVisible();
  // The draft went with the send, and the form starts afresh.
  await expect(page.getByLabel("Subject")).toHaveValue("");
  expect(await savedDraft(page)).toBe(false);
  // At phone width the toast sits above the form, covering none of it.
  const toastBox = (await toast.boundingBox())!;
  const fromBox = (await page.getByLabel("From", { exact: true }).boundingBox())!;
  expect(toastBox.y + toastBox.height).toBeLessThanOrEqual(fromBox.y);
  const [held] = app.query<{ id: string; status: string; scheduledAt: string | null }>(
    `SELECT id, status, scheduledAt FROM Message`,
  );
  expect(held).toMatchObject({ status: "queued", scheduledAt: null });

  // From the keyboard.
  await page.getByRole("button", { name: "Undo" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Canceled — back in compose");
  await expect(page.getByTestId("to-chip")).toHaveText([/^bob@example\.org/]);
  await expect(page.getByTestId("cc-chip")).toHaveText([/^carl@example\.net/]);
  await expect(page.getByLabel("Subject")).toHaveValue("Oops, wrong draft");
  await expect(page.getByLabel("Message")).toHaveText("Not meant to go.");
  expect(
    app.query<{ status: string }>(`SELECT status FROM Message WHERE id = ?`, held!.id),
  ).toEqual([{ status: "canceled" }]);
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Canceled" })).toHaveCount(0);

  // The worker never takes a canceled message, even once its hold is over.
  await page.goto(`${app.baseUrl}/history/${held!.id}`);
  await expect(page.getByTestId("status-badge")).toHaveText("canceled");
  expect(app.emu.control.messages({ email })).toHaveLength(0);

  // The undone message is the draft now; a "Send again" copy still wins over a draft.
  await page.goto(`${app.baseUrl}/compose`);
  await expect(page.getByTestId("draft-note")).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue("Oops, wrong draft");
  await page.getByLabel("Subject").fill("Second thoughts");
  await expect
    .poll(() => page.evaluate(() => JSON.stringify(Object.values(localStorage))))
    .toContain("Second thoughts");
  await page.goto(`${app.baseUrl}/compose?copy=${held!.id}`);
  await expect(page.getByTestId("copy-note")).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue("Oops, wrong draft");
  await expect(page.getByTestId("draft-note")).toHaveCount(0);
});

test("sending without a subject asks first", async ({ page }) => {
  await openCompose(page, "hasty@example.com");
  await page.getByLabel("To", { exact: true }).fill("carol@example.net");
  await page.getByLabel("Message").fill("No subject here");
  await page.getByRole("button", { name: "Send" }).click();

  const dialog = page.getByRole("dialog", { name: "Send without a subject?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Send anyway" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByLabel("Subject")).toBeFocused();
  expect(app.query(`SELECT id FROM Message WHERE subject = ''`)).toEqual([]);

  await page.getByRole("button", { name: "Send" }).click();
  await dialog.getByRole("button", { name: "Send anyway" }).click();
  await expect(page.getByRole("status")).toContainText("Message queued");
  expect(app.query(`SELECT status FROM Message WHERE subject = ''`)).toEqual([
    { status: "queued" },
  ]);
});

test("To, Cc and Bcc suggest addresses this user wrote to before", async ({ page }) => {
  await openCompose(page, "hasty@example.com");
  const list = page.locator("datalist#recipient-suggestions");
  for (const id of ["to", "cc", "bcc"]) {
    await expect(page.locator(`#${id}`)).toHaveAttribute("list", "recipient-suggestions");
  }
  // carl@example.net is another user's correspondent (the Undo test): never offered here.
  await page.getByLabel("Cc", { exact: true }).pressSequentially("ca");
  await expect(list.locator("option")).toHaveCount(1);
  await expect(list.locator("option")).toHaveAttribute("value", "carol@example.net");
  // After an address already made a chip, the option completes the one being typed.
  await page.getByLabel("To", { exact: true }).fill("dan@example.org, ");
  await expect(page.getByTestId("to-chip")).toHaveText([/^dan@example\.org/]);
  await page.getByLabel("To", { exact: true }).pressSequentially("Car");
  await expect(list.locator("option")).toHaveAttribute("value", "Carol@example.net");
});
