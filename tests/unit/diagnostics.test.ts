// Pure parts of the diagnostics: which ports the page offers, how failures are explained,
// SMTP reply reading, and keeping tokens out of text.
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { gmailApiTarget } from "../../lib/diagnostics/check-gmail-api";
import { connectionTargets } from "../../lib/diagnostics/connection-targets";
import {
  explainAuthReply,
  explainFailure,
  StepTimeoutError,
  type Target,
} from "../../lib/diagnostics/explain-failure";
import { oneLine, redact, redactAll } from "../../lib/diagnostics/redact";
import { ehloKeywords, SmtpDialogue } from "../../lib/diagnostics/smtp-dialogue";
import { ReconnectNeededError } from "../../lib/google/access-token";

const gmail465: Target = { host: "smtp.gmail.com", port: 465, secure: true };
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("gmailApiTarget", () => {
  it("reaches the Gmail API over HTTPS on port 443 unless the URL names a port", () => {
    expect(gmailApiTarget("https://gmail.googleapis.com")).toEqual({
      host: "gmail.googleapis.com",
      port: 443,
      secure: true,
    });
    expect(gmailApiTarget("https://gmail.example.test:8443/")).toEqual({
      host: "gmail.example.test",
      port: 8443,
      secure: true,
    });
  });

  it("takes plain http (a loopback emulator) as it is, and an IPv6 literal without brackets", () => {
    expect(gmailApiTarget("http://127.0.0.1:4010")).toEqual({
      host: "127.0.0.1",
      port: 4010,
      secure: false,
    });
    expect(gmailApiTarget("http://[::1]:4010")).toEqual({ host: "::1", port: 4010, secure: false });
  });
});

describe("connectionTargets", () => {
  it("offers the configured 465 and the standard STARTTLS alternative 587", () => {
    const targets = connectionTargets({
      SMTP_HOST: "smtp.gmail.com",
      SMTP_PORT: 465,
      SMTP_SECURE: true,
    });
    expect(targets).toEqual([
      { mode: "implicit", host: "smtp.gmail.com", port: 465, secure: true, configured: true },
      { mode: "starttls", host: "smtp.gmail.com", port: 587, secure: false, configured: false },
    ]);
  });

  it("offers the configured 587 STARTTLS and 465 implicit TLS as the alternative", () => {
    const targets = connectionTargets({
      SMTP_HOST: "smtp.gmail.com",
      SMTP_PORT: 587,
      SMTP_SECURE: false,
    });
    expect(targets.map((t) => [t.mode, t.port, t.configured])).toEqual([
      ["implicit", 465, false],
      ["starttls", 587, true],
    ]);
  });

  it("keeps a non-standard configured port for its own mode", () => {
    const targets = connectionTargets({
      SMTP_HOST: "localhost",
      SMTP_PORT: 40123,
      SMTP_SECURE: true,
    });
    expect(targets.map((t) => [t.mode, t.port, t.configured])).toEqual([
      ["implicit", 40123, true],
      ["starttls", 587, false],
    ]);
  });

  it("uses SMTP_ALT_PORT for the other mode when it is set", () => {
    const targets = connectionTargets({
      SMTP_HOST: "localhost",
      SMTP_PORT: 40123,
      SMTP_SECURE: true,
      SMTP_ALT_PORT: 40124,
    });
    expect(targets.map((t) => [t.mode, t.port, t.configured])).toEqual([
      ["implicit", 40123, true],
      ["starttls", 40124, false],
    ]);
  });
});

describe("explainFailure", () => {
  it("explains an unknown host name as DNS trouble", () => {
    const out = explainFailure(
      "dns",
      withCode("getaddrinfo ENOTFOUND smtp.gmial.com", "ENOTFOUND"),
      {
        ...gmail465,
        host: "smtp.gmial.com",
      },
    );
    expect(out.detail).toContain("smtp.gmial.com");
    expect(out.explanation?.title).toBe("Host name not found");
    expect(out.explanation?.fix).toContain("SMTP_HOST");
  });

  it("explains a refused connection as port or firewall trouble", () => {
    const out = explainFailure("tcp", withCode("connect ECONNREFUSED", "ECONNREFUSED"), gmail465);
    expect(out.explanation?.title).toBe("Connection refused");
    expect(out.explanation?.fix).toMatch(/465.*587/);
    expect(out.explanation?.fix).toMatch(/firewall/);
  });

  it("explains a TCP timeout as a firewall dropping SMTP", () => {
    const out = explainFailure("tcp", new StepTimeoutError(10_000), gmail465);
    expect(out.detail).toBe("No answer within 10 s.");
    expect(out.explanation?.title).toBe("Connection timed out");
    expect(out.explanation?.meaning).toMatch(/firewall/);
  });

  it("explains an untrusted certificate with Gmail's TLS entry and no advice to disable checks", () => {
    const out = explainFailure(
      "tls",
      withCode("unable to verify the first certificate", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
      gmail465,
    );
    expect(out.detail).toContain("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(out.explanation).toMatchObject({ title: "Certificate not trusted", replyId: "tls" });
    expect(out.explanation?.fix).toMatch(/never turn verification off/);
  });

  it("explains plain text where TLS was expected as a mode mismatch", () => {
    const error = withCode("wrong version number", "ERR_SSL_WRONG_VERSION_NUMBER");
    const out = explainFailure("tls", error, { ...gmail465, port: 587 });
    expect(out.explanation?.title).toMatch(/STARTTLS/);
  });

  it("explains a dead refresh token as reconnect advice with Google's reason", () => {
    const error = new ReconnectNeededError("acc1", "Token has been expired or revoked.");
    const out = explainFailure("auth", error, gmail465);
    expect(out.detail).toContain("Token has been expired or revoked.");
    expect(out.explanation?.title).toBe("Reconnect the Google account");
    expect(out.explanation?.fix).toContain("Reconnect Google account");
  });

  it("maps Gmail's AUTH replies onto the reference entries", () => {
    expect(explainAuthReply("535-5.7.8 Username and Password not accepted.")?.replyId).toBe(
      "5.7.8",
    );
    expect(explainAuthReply("534-5.7.14 Please log in via your web browser")?.replyId).toBe(
      "5.7.14",
    );
    expect(explainAuthReply("454 4.7.0 Too many login attempts")?.replyId).toBe("4.7.0");
    expect(explainAuthReply("535 Authentication failed")?.replyId).toBe("5.7.8");
    expect(explainAuthReply("250 OK")).toBeUndefined();
  });
});

describe("SmtpDialogue", () => {
  let server: Server | undefined;
  let client: Socket | undefined;

  afterEach(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function talkTo(script: (socket: Socket) => void): Promise<SmtpDialogue> {
    server = createServer(script);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect({ host: "127.0.0.1", port });
    client = socket;
    await new Promise((resolve) => socket.once("connect", resolve));
    return new SmtpDialogue(socket);
  }

  it("reads multi-line replies even when they arrive in pieces", async () => {
    const dialogue = await talkTo((socket) => {
      socket.write("220 smtp.example ESMTP ready\r\n");
      socket.once("data", () => {
        socket.write("250-smtp.example at your service\r\n250-SIZE 35882577\r\n250-AU");
        setTimeout(() => socket.write("TH LOGIN PLAIN XOAUTH2\r\n250 SMTPUTF8\r\n"), 20);
      });
    });
    expect((await dialogue.read()).code).toBe(220);
    const ehlo = await dialogue.command("EHLO test");
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).toHaveLength(4);
    expect(ehloKeywords(ehlo)).toEqual(["SIZE 35882577", "AUTH LOGIN PLAIN XOAUTH2", "SMTPUTF8"]);
  });

  it("fails a pending read when the server hangs up", async () => {
    const dialogue = await talkTo((socket) => socket.end());
    await expect(dialogue.read()).rejects.toThrow(/closed the connection/);
  });
});

/** What nodemailer's client sends for AUTH XOAUTH2 (and what its debug log would show unmasked). */
const xoauth2 = (user: string, token: string) =>
  Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
/** Gmail's 334 challenge after a refused token: base64 JSON that names "Bearer" but holds no secret. */
const GMAIL_CHALLENGE =
  "eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==";
const STALE = "ya29.a0AfB_byDdS3kVq8mPz1stale-access-token-0123456789";
const FRESH = "ya29.a0AfB_byC7wXn2Lr5Tq9fresh-access-token-9876543210";

/** A session in nodemailer's debug-log format: a refused token, then a refreshed one sent after a 334. */
function transcript(): string {
  const at = (n: number) => `[2026-05-04 09:12:0${n}] DEBUG [Kx3hPq7sT0]`;
  return [
    `${at(1)} S: 220 smtp.gmail.com ESMTP a640c23a62f3a-ad52d4b0a1esm1234567866b.42 - gsmtp`,
    `${at(1)} C: EHLO [127.0.0.1]`,
    `${at(1)} S: 250-smtp.gmail.com at your service, [203.0.113.7]`,
    `${at(1)} S: 250-SIZE 35882577`,
    `${at(1)} S: 250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH`,
    `${at(1)} S: 250 SMTPUTF8`,
    `${at(2)} C: AUTH XOAUTH2 ${xoauth2("owner@gmail.com", STALE)}`,
    `${at(2)} S: 334 ${GMAIL_CHALLENGE}`,
    `${at(2)} C: `,
    `${at(2)} S: 535-5.7.8 Username and Password not accepted. For more information, go to`,
    `${at(2)} S: 535 5.7.8  https://support.google.com/mail/?p=BadCredentials a640c23a62f3a-ad52d4b0a1esm1234567866b.42 - gsmtp`,
    `${at(3)} C: AUTH XOAUTH2`,
    `${at(3)} S: 334 `,
    `${at(3)} C: ${xoauth2("owner@gmail.com", FRESH)}`,
    `${at(3)} S: 235 2.7.0 Accepted`,
  ].join("\n");
}

describe("redact", () => {
  it("removes XOAUTH2 payloads from an SMTP transcript, on the AUTH line and after a 334, even with no token known", () => {
    for (const secrets of [[], [STALE, FRESH]]) {
      const out = redact(transcript(), secrets);
      for (const secret of [STALE, FRESH, xoauth2("owner@gmail.com", STALE)]) {
        expect(out).not.toContain(secret);
      }
      expect(out).not.toContain(xoauth2("owner@gmail.com", FRESH));
      const lines = out.split("\n");
      expect(lines[6]).toBe("[2026-05-04 09:12:02] DEBUG [Kx3hPq7sT0] C: AUTH XOAUTH2 [redacted]");
      expect(lines[13]).toBe("[2026-05-04 09:12:03] DEBUG [Kx3hPq7sT0] C: [redacted]");
      // Everything else — Gmail's challenge, its reply and its session id — stays as it was.
      const kept = transcript().split("\n");
      for (const i of [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14]) expect(lines[i]).toBe(kept[i]);
    }
  });

  it("removes any base64 that decodes to a Bearer credential, and plain Bearer credentials", () => {
    const quoted = Buffer.from(`auth=Bearer ${FRESH}`).toString("base64");
    expect(redact(`client said "${quoted}".`, [])).toBe('client said "[redacted]".');
    expect(redact(`Authorization: Bearer ${FRESH}`, [])).toBe("Authorization: Bearer [redacted]");
    const ofToken = Buffer.from(FRESH).toString("base64");
    expect(redact(`token ${ofToken} end`, [FRESH])).toBe("token [redacted] end");
  });

  it("scrubs every string of a result, including a payload that follows a line break", () => {
    const result = {
      ok: false,
      steps: [
        { detail: "Gmail refused", reply: `334 ${GMAIL_CHALLENGE}\n${xoauth2("a@b.c", STALE)}` },
      ],
    };
    expect(redactAll(result, [])).toEqual({
      ok: false,
      steps: [{ detail: "Gmail refused", reply: `334 ${GMAIL_CHALLENGE}\n[redacted]` }],
    });
  });

  it("removes every occurrence of a secret and tidies the text", () => {
    const token = "ya29.a0AfH6SMBx-secret-token";
    expect(redact(`Bearer ${token} and again ${token}`, [token])).toBe(
      "Bearer [redacted] and again [redacted]",
    );
    expect(oneLine("535-5.7.8 Username\r\n535 5.7.8  https://x")).toBe(
      "535-5.7.8 Username 535 5.7.8 https://x",
    );
  });
});
