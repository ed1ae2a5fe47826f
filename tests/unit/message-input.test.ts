import { describe, expect, it } from "vitest";
import { fieldErrors, messageInputSchema, parseAddressList } from "../../lib/mail/message-input";

const base = { from: "ada@example.com", to: "bob@example.org", subject: "Hi", text: "Hello" };

describe("message input", () => {
  it("parses address lists with names", () => {
    const result = parseAddressList('Bob <bob@example.org>, "Lee, Carol" <carol@example.net>');
    expect(result).toEqual({
      ok: true,
      value: [
        { name: "Bob", address: "bob@example.org" },
        { name: "Lee, Carol", address: "carol@example.net" },
      ],
    });
  });

  it.each(["bob", "bob@", "bob@localhost", "bob@@example.com", "bob@-bad-.com"])(
    "rejects %s",
    (address) => {
      const result = parseAddressList(address);
      expect(result.ok).toBe(false);
    },
  );

  it("refuses CR/LF in the subject and in addresses", () => {
    const subject = messageInputSchema.safeParse({
      ...base,
      subject: "Hi\r\nBcc: victim@example.com",
    });
    expect(subject.success).toBe(false);
    if (!subject.success) expect(fieldErrors(subject.error).subject).toMatch(/Line breaks/);
    const to = messageInputSchema.safeParse({ ...base, to: "bob@example.org\nBcc: x@example.com" });
    expect(to.success).toBe(false);
    if (!to.success) expect(fieldErrors(to.error).to).toMatch(/Line breaks/);
  });

  it("needs a recipient and allows at most 100", () => {
    const none = messageInputSchema.safeParse({ ...base, to: "" });
    expect(none.success).toBe(false);
    if (!none.success) expect(fieldErrors(none.error).to).toMatch(/at least one/);
    const many = Array.from({ length: 101 }, (_, i) => `r${i}@example.com`);
    const tooMany = messageInputSchema.safeParse({
      ...base,
      to: many.slice(0, 60).join(","),
      bcc: many.slice(60).join(","),
    });
    expect(tooMany.success).toBe(false);
    if (!tooMany.success)
      expect(fieldErrors(tooMany.error).to).toMatch(/at most 100 recipients.*101/);
    expect(
      messageInputSchema.safeParse({ ...base, to: many.slice(0, 100).join(",") }).success,
    ).toBe(true);
  });

  it("names the bad address beside its field", () => {
    const result = messageInputSchema.safeParse({ ...base, cc: "ok@example.com, nope" });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(fieldErrors(result.error).cc).toBe('"nope" is not a valid email address.');
  });

  it("names every bad address in one sentence, not just the first", () => {
    const result = parseAddressList(
      "ok@example.com, nope, fine@example.org, Ann <ann@>, bob@-x-.com",
    );
    expect(result).toEqual({
      ok: false,
      error: '"nope", "ann@" and "bob@-x-.com" are not valid email addresses.',
      invalid: ["nope", "ann@", "bob@-x-.com"],
    });
    const form = messageInputSchema.safeParse({ ...base, to: "a, b@example.com, c" });
    expect(form.success).toBe(false);
    if (!form.success)
      expect(fieldErrors(form.error).to).toBe('"a" and "c" are not valid email addresses.');
  });
});
