// Helpers for the emulator's tests: the browser's part of the OAuth flow over plain HTTP, a raw
// SMTP client for byte-level checks, and nodemailer transports that verify TLS for real.
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import nodemailer from "nodemailer";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import { testCa } from "../support/test-ca";

export const CLIENT_ID = "mailroom-demo.apps.googleusercontent.com";
export const CLIENT_SECRET = "mailroom-demo-secret";
export const REDIRECT_URI = "http://localhost:3000/api/auth/callback/google";
export const FULL_SCOPE = "openid email profile https://mail.google.com/";

/** An emulator whose SMTP certificate chains to the test CA in NODE_EXTRA_CA_CERTS. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ ca: testCa(), ...options });
}

/** A clock the test moves by hand. */
export function fakeClock(start = Date.now()): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(emu: Emulator, params: Record<string, string>): string {
  const url = new URL(`${emu.issuer}/o/oauth2/v2/auth`);
  for (const [key, value] of Object.entries({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: FULL_SCOPE,
    ...params,
  })) {
    url.searchParams.set(key, value);
  }
  return url.toString();
}

export interface HtmlInput {
  name: string;
  value: string;
  checked: boolean;
  attributes: string;
}

/** The <input> elements of a page, whatever the formatting of their attributes. */
export function inputs(html: string): HtmlInput[] {
  return [...html.matchAll(/<input\b([^>]*)>/g)].map((match) => {
    const attributes = (match[1] ?? "").replace(/\s+/g, " ");
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1] ?? "";
    return {
      name: attr("name"),
      value: attr("value"),
      checked: /\bchecked\b/.test(attributes),
      attributes,
    };
  });
}

export interface ConsentPage {
  status: number;
  html: string;
  requestId: string;
  /** Names of the scope checkboxes on the page, in order. */
  scopeCheckboxes: string[];
}

export async function openConsentPage(
  emu: Emulator,
  params: Record<string, string> = {},
): Promise<ConsentPage> {
  const response = await fetch(authorizeUrl(emu, params));
  const html = await response.text();
  const fields = inputs(html);
  const requestId = fields.find((input) => input.name === "request")?.value ?? "";
  const scopeCheckboxes = fields.filter((f) => f.name === "scope").map((f) => f.value);
  return { status: response.status, html, requestId, scopeCheckboxes };
}

/** Posts the consent form the way the browser does; returns the redirect (or the page shown). */
export async function submitConsent(
  emu: Emulator,
  fields: [string, string][],
): Promise<{ status: number; location: URL | undefined; html: string }> {
  const response = await fetch(`${emu.issuer}/o/oauth2/v2/consent`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
  const location = response.headers.get("location");
  return {
    status: response.status,
    location: location ? new URL(location) : undefined,
    html: await response.text(),
  };
}

/** GET the consent page, pick `email`, keep every scope checked, press Continue. */
export async function authorize(
  emu: Emulator,
  email: string,
  params: Record<string, string> = {},
): Promise<URL> {
  const page = await openConsentPage(emu, params);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${page.html}`);
  const { location } = await submitConsent(emu, [
    ["request", page.requestId],
    ["email", email],
    ...page.scopeCheckboxes.map((scope): [string, string] => ["scope", scope]),
    ["action", "continue"],
  ]);
  if (!location) throw new Error("the consent form did not redirect");
  return location;
}

export async function postToken(
  emu: Emulator,
  params: Record<string, string>,
  init: { basic?: [string, string] } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (init.basic) {
    headers.Authorization = `Basic ${Buffer.from(init.basic.map(encodeURIComponent).join(":")).toString("base64")}`;
  }
  const response = await fetch(`${emu.issuer}/token`, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A full browser-style sign-in: consent, then the code exchanged with PKCE. */
export async function signIn(
  emu: Emulator,
  email: string,
  params: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const { verifier, challenge } = pkcePair();
  const redirect = await authorize(emu, email, {
    code_challenge: challenge,
    code_challenge_method: "S256",
    access_type: "offline",
    ...params,
  });
  const { status, body } = await postToken(emu, {
    grant_type: "authorization_code",
    code: redirect.searchParams.get("code") ?? "",
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code_verifier: verifier,
  });
  if (status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
  return body;
}

export type Listener = "465" | "587";

/** nodemailer with XOAUTH2 and an access token; TLS is verified through NODE_EXTRA_CA_CERTS. */
export function transport(
  emu: Emulator,
  user: string,
  accessToken: string,
  listener: Listener = "465",
) {
  const secure = listener === "465";
  return nodemailer.createTransport({
    host: "localhost",
    port: secure ? emu.smtp.securePort : emu.smtp.starttlsPort,
    secure,
    requireTLS: !secure,
    auth: { type: "OAuth2", user, accessToken },
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10_000,
  });
}

export interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Runs `action` and returns the error it throws (failing the test if it does not throw). */
export async function smtpError(action: () => Promise<unknown>): Promise<SmtpError> {
  try {
    await action();
  } catch (error) {
    return error as SmtpError;
  }
  throw new Error("expected the SMTP operation to fail");
}

/** A line-level SMTP client, for what nodemailer never sends (garbage, commands out of order). */
export class RawSmtp {
  private buffer = "";
  private waiters: (() => void)[] = [];
  private ended = false;
  private closedPromise: Promise<void> = Promise.resolve();

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  static async connect(
    port: number,
    options: { secure: boolean; ca?: string; host?: string },
  ): Promise<RawSmtp> {
    const host = options.host ?? "127.0.0.1";
    const socket = options.secure
      ? tls.connect({ host, port, servername: "localhost", ca: options.ca })
      : net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once(options.secure ? "secureConnect" : "connect", () => resolve());
      socket.once("error", reject);
    });
    return new RawSmtp(socket);
  }

  /** Settles when the server has closed the connection. */
  get closed(): Promise<void> {
    return this.closedPromise;
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on("error", () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.once("close", () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** The next complete reply (all its lines, CRLF-joined), or "" once the server has closed. */
  async reply(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(this.buffer);
      if (match) {
        this.buffer = this.buffer.slice(match[0].length);
        return match[0].replace(/\r\n$/, "");
      }
      if (this.ended) return "";
      if (Date.now() > deadline) {
        throw new Error(`no SMTP reply; buffered: ${JSON.stringify(this.buffer)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(data: string): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  /** STARTTLS, then a TLS handshake that verifies the emulator's certificate. */
  async startTls(ca?: string): Promise<string> {
    const reply = await this.command("STARTTLS");
    if (!reply.startsWith("220")) return reply;
    this.socket.removeAllListeners("data");
    this.socket.removeAllListeners("close");
    const secure = tls.connect({ socket: this.socket, servername: "localhost", ca });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("error", reject);
    });
    this.socket = secure;
    this.attach(secure);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}

export function xoauth2(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
}

/** Greets and authenticates a raw session on the implicit-TLS listener. */
export async function authenticatedSession(
  emu: Emulator,
  user: string,
  token: string,
): Promise<RawSmtp> {
  const smtp = await RawSmtp.connect(emu.smtp.securePort, { secure: true });
  await smtp.reply();
  await smtp.command("EHLO client.example");
  const auth = await smtp.command(`AUTH XOAUTH2 ${xoauth2(user, token)}`);
  if (!auth.startsWith("235")) throw new Error(`AUTH failed: ${auth}`);
  return smtp;
}

export function gsmtp(reply: string): boolean {
  return / [\w.-]+ - gsmtp$/.test(reply);
}
