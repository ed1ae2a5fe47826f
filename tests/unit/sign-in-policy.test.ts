import { describe, expect, it } from "vitest";
import { isEmailAllowed } from "../../lib/auth/sign-in-policy";

const config = (emails: string[], domains: string[]) => ({
  ALLOWED_EMAILS: emails,
  ALLOWED_DOMAINS: domains,
});

describe("isEmailAllowed", () => {
  it("lets in listed addresses and whole listed domains, whatever their case", () => {
    const allow = config(["ada@gmail.com"], ["example.com"]);
    expect(isEmailAllowed("ada@gmail.com", allow)).toBe(true);
    expect(isEmailAllowed("Ada@GMail.com", allow)).toBe(true);
    expect(isEmailAllowed("bob@example.com", allow)).toBe(true);
    expect(isEmailAllowed("BOB@EXAMPLE.COM", allow)).toBe(true);
  });

  it("refuses everyone else, including look-alike domains and subdomains", () => {
    const allow = config(["ada@gmail.com"], ["example.com"]);
    for (const email of [
      "eve@gmail.com",
      "ada@gmail.com.evil.test",
      "bob@notexample.com",
      "bob@mail.example.com",
      "bob@example.com.evil.test",
      "example.com@evil.test",
      "",
    ]) {
      expect(isEmailAllowed(email, allow), email).toBe(false);
    }
  });

  it("lets everyone in when no list is set (only possible outside production)", () => {
    expect(isEmailAllowed("anyone@anywhere.test", config([], []))).toBe(true);
  });
});
