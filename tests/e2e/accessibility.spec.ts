// Every page, signed in and out, in light and dark, at desktop width and at 390 px (a phone):
// no serious or critical axe-core violation and no sideways scrolling of the page. Then the
// pieces that make that true for a person: the theme switch remembered across a reload and in
// the first byte of the page, the skip link, the header's menu on a phone, and a refused form
// that moves the focus to its announced errors.
import { generateKeyPairSync } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

const THEME_COOKIE = "mailroom-theme";
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

let app: MailroomServer;
let signedIn: BrowserContext;
let signedOut: BrowserContext;
let messageId: string;

test.beforeAll(async ({ browser }) => {
  app = await startMailroomServer();
  // The status page's Sender domain card with a finding of each colour, a long DKIM key and the
  // records it asks for.
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  app.emu.control.setDnsRecords({
    "example.com": { TXT: ["v=spf1 include:spf.protection.outlook.com ~all"] },
    "google._domainkey.example.com": { TXT: [`v=DKIM1; k=rsa; p=${key}`] },
    "_dmarc.example.com": { TXT: ["v=DMARC1; p=none"] },
  });
  // One signed-in context for every test (signing in costs a trip through the consent page).
  signedIn = await browser.newContext({ viewport: VIEWPORTS.desktop });
  signedOut = await browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await signedIn.newPage();
  // A sent message (history, its detail page, the status page's counts) and an API key.
  await signInWithGoogle(page, app.baseUrl, "ada.a11y@example.com");
  await expect(page).toHaveURL(/\/overview$/);
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("Bob <bob@example.org>");
  await page.getByLabel("Subject").fill("Quarterly report");
  await page.getByLabel("Message").fill("Hello Bob,\n\nThe report is attached in spirit.\n");
  await page.getByRole("button", { name: "Send" }).click();
  const link = page.getByRole("link", { name: "View it in the history" });
  messageId = (await link.getAttribute("href"))!.split("/").pop()!;
  await page.goto(`${app.baseUrl}/settings/api-keys`);
  await page.getByLabel("Name").fill("Billing app");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByLabel("Your new API key")).toBeFocused();
  await page.goto(`${app.baseUrl}/history/${messageId}`);
  await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });
  await page.close();
});

test.afterAll(async () => {
  await signedIn?.close();
  await signedOut?.close();
  await app?.stop();
});

const signedInPages = () => [
  "/?error=AccessDenied",
  "/overview",
  "/compose",
  "/history",
  `/history/${messageId}`,
  "/history/cnotamessage000000000000",
  "/status",
  "/setup",
  "/settings/api-keys",
  "/send-from-your-app",
  "/api-reference",
  "/audit",
  "/no-such-page",
];
const signedOutPages = ["/", "/?error=AccessDenied", "/?error=OAuthCallback", "/no-such-page"];

async function setTheme(context: BrowserContext, theme: "light" | "dark") {
  await context.addCookies([{ name: THEME_COOKIE, value: theme, url: app.baseUrl }]);
}

/** The serious and critical axe findings on the page, one line each, and any page overflow. */
async function problems(page: Page, path: string): Promise<string[]> {
  const found: string[] = [];
  const overflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  if (overflow.scroll > overflow.width)
    found.push(`${path}: the page is ${overflow.scroll} px wide in a ${overflow.width} px window`);
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    // A message's HTML body is the sender's content, framed in an empty sandbox where no script
    // runs: axe cannot run inside it either (its injection waits there until the test times
    // out), and its markup is not the app's.
    .exclude('[data-testid="html-body"]')
    // Only the failures are gathered: collecting every passing node would take several times as long.
    .options({ resultTypes: ["violations"] })
    .analyze();
  for (const v of violations) {
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    const where = v.nodes.map((n) => n.target.join(" ")).join(", ");
    found.push(`${path}: ${v.impact} ${v.id} (${v.help}) at ${where}`);
  }
  return found;
}

for (const theme of ["light", "dark"] as const) {
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    test(`every page in ${theme} at ${name} width: no serious axe violation, no overflow`, async () => {
      // About fifteen pages, each loaded and checked by axe: allow for a busy machine.
      test.setTimeout(300_000);
      const found: string[] = [];
      for (const [context, paths] of [
        [signedIn, signedInPages()],
        [signedOut, signedOutPages],
      ] as const) {
        await setTheme(context, theme);
        const page = await context.newPage();
        await page.setViewportSize(viewport);
        for (const path of paths) {
          await page.goto(`${app.baseUrl}${path}`);
          await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
          await expect(page.locator("main")).toBeVisible();
          found.push(...(await problems(page, path)));
        }
        if (viewport.width < 1024 && context === signedIn) {
          // The phone's open menu is a page state of its own.
          await page.goto(`${app.baseUrl}/compose`);
          await page.getByRole("button", { name: "Menu" }).click();
          found.push(...(await problems(page, "/compose with the menu open")));
        }
        await page.close();
      }
      expect(found).toEqual([]);
    });
  }
}

test("the theme chosen is applied at once, kept across a reload and sent in the page", async () => {
  await signedIn.clearCookies({ name: THEME_COOKIE });
  const page = await signedIn.newPage();
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${app.baseUrl}/history`);
  const html = page.locator("html");
  await expect(html).toHaveAttribute("data-theme", "system");
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();

  // The radios are drawn as a segmented control: a person clicks the label.
  const choose = (label: string) =>
    page.locator("footer").getByText(label, { exact: true }).click();
  await choose("Dark");
  await expect(html).toHaveAttribute("data-theme", "dark");
  const dark = await background();
  expect(dark).not.toBe(light);

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("radio", { name: "Dark" })).toBeChecked();
  expect(await background()).toBe(dark);
  // In the HTML itself, before any script runs: no flash of the light page.
  const cookies = await signedIn.cookies(app.baseUrl);
  const served = await fetch(`${app.baseUrl}/history`, {
    headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") },
  }).then((r) => r.text());
  expect(served).toMatch(/<html lang="en" data-theme="dark"/);

  // "System" follows the operating system's preference.
  await choose("System");
  await expect(html).toHaveAttribute("data-theme", "system");
  expect(await background()).toBe(light);
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background()).toBe(dark);
  await page.close();
});

test("the skip link is the first stop and lands on the main region", async () => {
  const page = await signedIn.newPage();
  await page.goto(`${app.baseUrl}/history`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  // The next Tab goes into the page, past the header.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.closest("main")?.id)).toBe("main");
  await page.close();
});

test("at 390 px the header folds into a menu the keyboard opens and closes", async () => {
  const page = await signedIn.newPage();
  await page.setViewportSize(VIEWPORTS.phone);
  await page.goto(`${app.baseUrl}/compose`);
  const nav = page.getByRole("navigation", { name: "Main" });
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(nav).toBeHidden();
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Tab");
  await expect(nav.getByRole("link", { name: "Overview" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  await menu.click();
  await nav.getByRole("link", { name: "Status" }).click();
  await expect(page.getByRole("heading", { name: "Status", level: 1 })).toBeVisible();
  await expect(nav).toBeHidden();
  await page.close();
});

test("a refused compose moves the focus to its errors, which are announced", async () => {
  const page = await signedIn.newPage();
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("not-an-address");
  // With a subject: an empty one is asked about first (compose-flow.spec.ts).
  await page.getByLabel("Subject").fill("Hello");
  await page.getByRole("button", { name: "Send" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "The message was not sent" });
  await expect(alert).toBeFocused();
  await expect(alert).toContainText('"not-an-address" is not a valid email address.');
  // Each listed problem leads to its field.
  await alert.getByRole("link", { name: /^To:/ }).click();
  await expect(page.getByLabel("To", { exact: true })).toBeFocused();
  // A second refusal takes the focus back to the summary.
  await page.getByRole("button", { name: "Send" }).click();
  await expect(alert).toBeFocused();
  await page.close();
});

test("a refused API key form moves the focus to its errors, which are announced", async () => {
  const page = await signedIn.newPage();
  await page.goto(`${app.baseUrl}/settings/api-keys`);
  await page.getByRole("button", { name: "Create key" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "The key was not created" });
  await expect(alert).toBeFocused();
  await expect(alert).toContainText("Give the key a name.");
  await page.close();
});
