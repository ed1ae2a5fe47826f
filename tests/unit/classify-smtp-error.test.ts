import { describe, expect, it } from "vitest";
import { classifySmtpError } from "../../lib/mail/classify-smtp-error";
import { retryDelayMs } from "../../lib/sending/backoff";

const smtp = (responseCode: number, response: string, code = "EMESSAGE") =>
  Object.assign(new Error(response), { code, responseCode, response });

describe("classifySmtpError", () => {
  it.each([
    [421, "421 4.7.0 Try again later, closing connection.", "temporary"],
    [451, "451 4.3.0 Mail server temporarily rejected message.", "temporary"],
    [454, "454 4.7.0 Too many login attempts, please try again later.", "temporary"],
    [550, "550-5.4.5 Daily user sending quota exceeded.", "quota"],
    [552, "552-5.3.4 Your message exceeded Google's message size limits.", "permanent"],
    [553, "553-5.1.2 The recipient address <x> is not a valid RFC-5321 address.", "permanent"],
    [535, "535-5.7.8 Username and Password not accepted.", "auth"],
    [530, "530 5.7.0 Must issue a STARTTLS command first.", "configuration"],
    [550, "550-5.7.26 Unauthenticated email from example.com is not accepted", "permanent"],
    [554, "554 5.0.0 Something unheard of", "permanent"],
    [452, "452 4.9.9 Something temporary", "temporary"],
  ])("%i %s → %s", (code, response, kind) => {
    const result = classifySmtpError(smtp(code, response));
    expect(result.kind).toBe(kind);
    expect(result.code).toBe(code);
    expect(result.reply).toBe(response);
  });

  it("treats dropped connections and timeouts as temporary, TLS failures as configuration", () => {
    expect(
      classifySmtpError(Object.assign(new Error("Connection closed"), { code: "ECONNECTION" }))
        .kind,
    ).toBe("temporary");
    expect(classifySmtpError(Object.assign(new Error("Timeout"), { code: "ETIMEDOUT" })).kind).toBe(
      "temporary",
    );
    const tls = classifySmtpError(
      Object.assign(new Error("self-signed certificate"), { code: "ETLS" }),
    );
    expect(tls.kind).toBe("configuration");
    expect(tls.explanation?.fix).toMatch(/SMTP_SECURE/);
  });

  it("explains the quota reply in plain words", () => {
    const result = classifySmtpError(smtp(550, "550-5.4.5 Daily user sending quota exceeded."));
    expect(result.explanation?.fix).toMatch(/Nothing is lost/);
  });
});

describe("retryDelayMs", () => {
  it("retries within a minute first, grows exponentially, and caps near an hour", () => {
    expect(retryDelayMs(1, () => 1)).toBeLessThanOrEqual(60_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(30, () => 1)).toBe(72 * 60_000);
    expect(retryDelayMs(30, () => 0)).toBe(48 * 60_000);
  });
});
