// Every response carries Mailroom's security headers, every page a Content-Security-Policy with
// a fresh nonce that its scripts carry, and a whole session — sign in, compose, history, a
// message, the status page's connection test, sign out — runs without one CSP violation.
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { startMailroomServer, type MailroomServer } from "./support/mailroom-server";
import { signInWithGoogle } from "./support/sign-in";

let app: MailroomServer;
test.beforeAll(async () => {
  app = await startMailroomServer();
});
test.afterAll(async () => {
  await app.stop();
});

function expectStaticHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
    expect(headers["permissions-policy"]).toContain(`${feature}=()`);
  }
  // Served over plain HTTP here: HSTS would be ignored by browsers and is not sent.
  expect(headers["strict-transport-security"]).toBeUndefined();
}

/** Checks the page's policy and returns its nonce, after checking every script tag carries it. */
async function expectNoncedPage(response: APIResponse): Promise<string> {
  const policy = response.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/(^|; )default-src 'self'(;|$)/);
  expect(policy).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  expect(policy).toMatch(/(^|; )object-src 'none'(;|$)/);
  expect(policy).toMatch(/(^|; )base-uri 'none'(;|$)/);
  expect(policy).toContain(`form-action 'self' ${new URL(app.emu.issuer).origin}`);
  expect(policy).not.toContain("unsafe-inline");
  expect(policy).not.toContain("unsafe-eval");
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'(;|$)/.exec(
    policy,
  )?.[1];
  expect(nonce, policy).toBeDefined();

  const html = await response.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(3);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  return nonce!;
}

test("pages get a fresh nonce their scripts carry; API routes and 404s keep the static headers", async ({
  request,
}) => {
  const first = await request.get(`${app.baseUrl}/`);
  const second = await request.get(`${app.baseUrl}/`);
  expect(first.status()).toBe(200);
  expectStaticHeaders(first);
  expect(await expectNoncedPage(first)).not.toBe(await expectNoncedPage(second));

  // A Content-Security-Policy sent by the client is replaced, never trusted for the nonce.
  const forged = await request.get(`${app.baseUrl}/`, {
    headers: { "Content-Security-Policy": "script-src 'nonce-chosen-by-the-client'" },
  });
  expect(await forged.text()).not.toContain("chosen-by-the-client");
  await expectNoncedPage(forged);

  const missing = await request.get(`${app.baseUrl}/no-such-page`);
  expect(missing.status()).toBe(404);
  expectStaticHeaders(missing);
  await expectNoncedPage(missing);

  const health = await request.get(`${app.baseUrl}/api/health`);
  expect(health.status()).toBe(200);
  expectStaticHeaders(health);
  expect(health.headers()["content-security-policy"]).toBeUndefined();
});

/** Collects every CSP violation, and every console message about the CSP or Permissions-Policy. */
async function watchPolicyViolations(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.exposeFunction("__reportPolicyViolation", (report: string) => problems.push(report));
  await page.addInitScript(() => {
    const report = (window as unknown as { __reportPolicyViolation: (r: string) => void })
      .__reportPolicyViolation;
    document.addEventListener("securitypolicyviolation", (event) => {
      void report(
        `${location.pathname}: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`,
      );
    });
  });
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Permissions.Policy/i.test(text)) problems.push(`console: ${text}`);
  });
  return problems;
}

test("a whole session runs without a Content-Security-Policy violation", async ({ page }) => {
  const violations = await watchPolicyViolations(page);
  const email = "csp.ada@example.com";

  await signInWithGoogle(page, app.baseUrl, email);
  await expect(page).toHaveURL(/\/overview$/);

  // A dashboard page, as the signed-in browser gets it.
  const dashboard = await page.request.get(`${app.baseUrl}/history`, { maxRedirects: 0 });
  expect(dashboard.status()).toBe(200);
  expectStaticHeaders(dashboard);
  await expectNoncedPage(dashboard);

  // Sending goes through a server action: it works only if React's scripts ran.
  await page.goto(`${app.baseUrl}/compose`);
  await page.getByLabel("To", { exact: true }).fill("bob@example.org");
  await page.getByLabel("Subject").fill("Under a strict policy");
  await page.getByLabel("Message").fill("Hello Bob");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("status")).toContainText("Message queued");

  await page.getByRole("link", { name: "History", exact: true }).click();
  await expect(page).toHaveURL(/\/history$/);
  await page.getByRole("link", { name: "Under a strict policy" }).click();
  await expect(page.getByTestId("status-badge")).toHaveText("sent", { timeout: 30_000 });

  await page.getByRole("link", { name: "Status", exact: true }).click();
  await expect(page.getByRole("progressbar")).toBeVisible();
  await page.getByRole("button", { name: "Test connection" }).click();
  for (const step of ["dns", "tcp", "tls", "auth"]) {
    await expect(page.getByTestId(`diag-step-${step}`)).toHaveAttribute("data-ok", "true", {
      timeout: 20_000,
    });
  }

  await page.reload();
  await expect(page.getByRole("heading", { name: "Daily sending" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();
  await expect(page).toHaveURL(`${app.baseUrl}/`);

  expect(violations).toEqual([]);

  // The watch itself works, and the classic injection fails: markup with an inline handler.
  await page.evaluate(() =>
    document.body.insertAdjacentHTML(
      "beforeend",
      '<img src="/injected.png" onerror="window.__injected = true">',
    ),
  );
  await expect.poll(() => violations.join("\n")).toContain("script-src-attr blocked inline");
  expect(await page.evaluate(() => "__injected" in window)).toBe(false);
});

test("an unknown address gets Mailroom's own 404 page, styled and navigable", async ({ page }) => {
  const violations = await watchPolicyViolations(page);
  const response = await page.goto(`${app.baseUrl}/no-such-page`);
  expect(response?.status()).toBe(404);
  await expect(page).toHaveTitle("Page not found · Mailroom");
  const heading = page.getByRole("heading", { level: 1, name: "Page not found" });
  await expect(heading).toBeVisible();
  // The app's stylesheet loaded under the policy: text-4xl, not the browser's 2em for an h1.
  await expect(heading).toHaveCSS("font-size", "36px");
  const home = page.getByRole("link", { name: "Back to Mailroom" });

  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(home).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Message history" })).toBeFocused();
  await home.click();
  await expect(page.getByRole("button", { name: "Sign in with Google" })).toBeVisible();
  expect(violations).toEqual([]);
});
