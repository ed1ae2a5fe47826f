// The App passwords page over HTTP: choosing an account, 2-Step Verification on and off, creating
// an app password (shown once, and it signs in over SMTP), revoking it, and bad input as 400 pages.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { inputs, startTestEmulator } from "./support";

const ADA = "ada@example.com";
let emu: Emulator;
const log: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    accounts: [{ email: ADA, name: "Ada Lovelace" }, { email: "bob@example.org" }],
    log: (line) => log.push(line),
  });
});

afterAll(async () => {
  await emu.stop();
});

beforeEach(() => {
  emu.control.reset();
  // Turning it off revokes every app password a previous test made.
  emu.control.setTwoStepVerification(ADA, false);
});

async function page(path: string) {
  const response = await fetch(`${emu.issuer}${path}`, { redirect: "manual" });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

async function post(path: string, fields: Record<string, string>) {
  const response = await fetch(`${emu.issuer}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    html: await response.text(),
  };
}

async function turnOnTwoStep(): Promise<void> {
  const turned = await post("/apppasswords/two-step-verification", { email: ADA, enabled: "on" });
  expect(turned.status).toBe(303);
  expect(turned.location).toBe("/apppasswords?email=ada%40example.com");
}

/** The 16 letters the page showed, in Google's four groups of four. */
function shownPassword(html: string): string | undefined {
  return /<code id="new-password">([a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4})<\/code>/.exec(html)?.[1];
}

async function sendWith(pass: string): Promise<void> {
  const mailer = nodemailer.createTransport({
    host: "localhost",
    port: emu.smtp.securePort,
    secure: true,
    auth: { user: ADA, pass },
    authMethod: "PLAIN",
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  });
  try {
    await mailer.sendMail({ from: ADA, to: "bob@example.org", subject: "Hi", text: "x" });
  } finally {
    mailer.close();
  }
}

describe("the App passwords page", () => {
  it("lists the emulator's accounts to choose from, with a field to type one", async () => {
    expect(emu.appPasswordsUrl).toBe(`${emu.issuer}/apppasswords`);
    const { status, headers, html } = await page("/apppasswords");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html).toContain('href="/apppasswords?email=ada%40example.com"');
    expect(html).toContain('href="/apppasswords?email=bob%40example.org"');
    expect(html).toContain('<label for="email">Email</label>');
    expect(inputs(html).map((input) => input.name)).toEqual(["email"]);
  });

  it("sends a strict CSP with a fresh nonce that only its own script carries", async () => {
    const first = await page(`/apppasswords?email=${ADA}`);
    const second = await page(`/apppasswords?email=${ADA}`);
    const csp = first.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    // Only the nonce: no 'unsafe-inline' or host allows any other script.
    const nonce = /(?:^|; )script-src 'nonce-([A-Za-z0-9+/=]+)'(?:;|$)/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    expect([...first.html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([
      `<script nonce="${nonce}">`,
    ]);
  });

  it("shows an account with 2-Step Verification off, saying app passwords need it", async () => {
    const { status, html } = await page(`/apppasswords?email=${ADA}`);
    expect(status).toBe(200);
    expect(html).toContain("<h1>App passwords</h1>");
    expect(html).toContain("2-Step Verification is <strong>off</strong>");
    expect(html).toContain("Google requires it for app passwords.");
    expect(html).toContain("Turn on 2-Step Verification");
    expect(html).toContain("You don't have any app passwords.");
    expect(html).toContain('<label for="app-name">App name</label>');
  });

  it("turns 2-Step Verification on and off with POST/redirect/GET", async () => {
    await turnOnTwoStep();
    const on = await page(`/apppasswords?email=${ADA}`);
    expect(on.html).toContain("2-Step Verification is <strong>on</strong>");
    expect(on.html).toContain("Turn off 2-Step Verification");

    const off = await post("/apppasswords/two-step-verification", { email: ADA, enabled: "off" });
    expect(off.status).toBe(303);
    expect((await page(`/apppasswords?email=${ADA}`)).html).toContain(
      "2-Step Verification is <strong>off</strong>",
    );
  });

  it("creates an app password, shows it once, and it signs in over SMTP", async () => {
    await turnOnTwoStep();
    log.length = 0;
    const created = await post("/apppasswords", { email: ADA, name: "Mailroom <demo>" });
    expect(created.status).toBe(200);
    expect(created.html).toContain('role="status"');
    expect(created.html).toContain("Your app password for <strong>Mailroom &lt;demo&gt;</strong>");
    expect(created.html).toContain("It won't be shown again.");
    const password = shownPassword(created.html);
    expect(password).toBeDefined();

    const [listed] = emu.control.appPasswords(ADA);
    expect(listed).toMatchObject({ name: "Mailroom <demo>" });
    await sendWith(password!);
    expect(emu.control.messages({ email: ADA })[0]).toMatchObject({
      credential: "app-password",
    });

    // Afterwards the page lists it by name and date, never the password itself.
    const later = await page(`/apppasswords?email=${ADA}`);
    expect(later.html).toContain("<td>Mailroom &lt;demo&gt;</td>");
    expect(later.html).toContain(`<time datetime="${listed!.createdAt}">`);
    expect(shownPassword(later.html)).toBeUndefined();
    expect(later.html).not.toContain(password!);
    expect(later.html).not.toContain(password!.replace(/ /g, ""));
    expect(log.filter((line) => line.includes(password!.replace(/ /g, "")))).toEqual([]);
  });

  it("revokes an app password with its Revoke button", async () => {
    await turnOnTwoStep();
    const { password } = emu.control.createAppPassword(ADA, { name: "Old laptop" });
    const kept = emu.control.createAppPassword(ADA, { name: "Mailroom" });
    const [old] = emu.control.appPasswords(ADA);
    const before = await page(`/apppasswords?email=${ADA}`);
    const revokeForms = inputs(before.html).filter((input) => input.name === "id");
    expect(revokeForms.map((input) => input.value)).toEqual([old!.id, kept.id]);
    expect(before.html).toContain('Revoke<span class="visually-hidden"> Old laptop</span>');

    const revoked = await post("/apppasswords/revoke", { email: ADA, id: old!.id });
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe("/apppasswords?email=ada%40example.com");
    expect(emu.control.appPasswords(ADA).map((entry) => entry.name)).toEqual(["Mailroom"]);
    const after = await page(`/apppasswords?email=${ADA}`);
    expect(after.html).not.toContain("Old laptop");
    await expect(sendWith(password)).rejects.toMatchObject({ responseCode: 535 });
  });

  it("refuses to create one while 2-Step Verification is off", async () => {
    const refused = await post("/apppasswords", { email: ADA, name: "Mailroom" });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(
      /<p class="error" id="name-error" role="alert">The setting you are looking for is not available for your account\./,
    );
    expect(shownPassword(refused.html)).toBeUndefined();
    expect(inputs(refused.html).find((input) => input.name === "name")?.value).toBe("Mailroom");
    expect(emu.control.appPasswords(ADA)).toEqual([]);
  });

  it("refuses an empty or over-long name, keeping what was typed", async () => {
    await turnOnTwoStep();
    const empty = await post("/apppasswords", { email: ADA, name: "   " });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('role="alert">Enter a name for the app password.</p>');
    const long = await post("/apppasswords", { email: ADA, name: "x".repeat(101) });
    expect(long.status).toBe(400);
    expect(long.html).toContain("at most 100 characters");
    expect(emu.control.appPasswords(ADA)).toEqual([]);
  });

  it("answers a bad email with a 400 page and an unknown account with a 404 page", async () => {
    const bad = await page("/apppasswords?email=not-an-address");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('role="alert">Enter an email address, like name@example.com.');
    expect(bad.html).toContain('value="not-an-address"');

    const hostile = await page(`/apppasswords?email=${encodeURIComponent('"><script>x')}`);
    expect(hostile.status).toBe(400);
    expect(hostile.html).not.toContain("<script>x");

    const unknown = await page("/apppasswords?email=nobody@example.com");
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain("The emulator has no account nobody@example.com.");

    for (const [path, fields] of [
      ["/apppasswords", { email: "nope", name: "Mailroom" }],
      ["/apppasswords/two-step-verification", { email: ADA, enabled: "maybe" }],
      ["/apppasswords/two-step-verification", { email: "", enabled: "on" }],
      ["/apppasswords/revoke", { email: ADA, id: "../../etc" }],
      ["/apppasswords/revoke", { email: ADA }],
    ] as const) {
      const answer = await post(path, fields);
      expect(answer.status, `${path} ${JSON.stringify(fields)}`).toBe(400);
      expect(answer.html).toContain("That form was not valid");
    }
    expect(emu.control.appPasswords(ADA)).toEqual([]);
  });

  it("refuses a form posted from another site's page", async () => {
    const response = await fetch(`${emu.issuer}/apppasswords/two-step-verification`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
      },
      body: new URLSearchParams({ email: ADA, enabled: "on" }).toString(),
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    expect((await page(`/apppasswords?email=${ADA}`)).html).toContain(
      "2-Step Verification is <strong>off</strong>",
    );
  });

  it("is linked from the inbox", async () => {
    const { html } = await page("/inbox");
    expect(html).toContain('href="/apppasswords">App passwords</a>');
  });
});
