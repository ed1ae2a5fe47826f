// The history's view of a stored message: bodies, attachments with sizes, headers, whether the
// HTML would load remote images, and the .eml download's file name.
import MailComposer from "nodemailer/lib/mail-composer";
import { describe, expect, it } from "vitest";
import { emlFilename, messageParts } from "../../lib/mail/message-parts";

function build(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

const LONG_HEADER = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");

describe("messageParts", () => {
  it("takes an HTML message with an attachment and an inline image apart", async () => {
    const pdf = Buffer.alloc(3000, 7);
    const mime = await build({
      from: "Ada <ada@example.com>",
      to: "bob@example.org",
      subject: "Report",
      text: "The report is attached.",
      html: '<p>The report is attached.</p><img src="cid:logo@mailroom"><img src="https://tracker.example/p.gif">',
      attachments: [
        { filename: "report.pdf", content: pdf, contentType: "application/pdf" },
        { filename: "logo.png", content: Buffer.from("png"), cid: "logo@mailroom" },
      ],
      // Long enough for nodemailer to fold it over several lines.
      headers: { "X-Campaign": LONG_HEADER },
    });
    const parts = await messageParts(mime);
    expect(parts.text?.trim()).toBe("The report is attached.");
    expect(parts.html).toContain("<p>The report is attached.</p>");
    // The inline image is part of the HTML, as a data: URL, not a listed attachment.
    expect(parts.html).toContain("data:image/png;base64,");
    expect(parts.attachments).toEqual([
      { filename: "report.pdf", contentType: "application/pdf", size: 3000 },
    ]);
    expect(parts.hasRemoteImages).toBe(true);
    const names = parts.headers.map((h) => h.name);
    expect(names).toEqual(expect.arrayContaining(["From", "To", "Subject", "Message-ID"]));
    expect(parts.headers.find((h) => h.name === "Subject")?.value).toBe("Report");
    expect(mime.toString()).toMatch(/X-Campaign: [^\r\n]+\r\n [^\r\n]+/);
    expect(parts.headers.find((h) => h.name === "X-Campaign")?.value).toBe(LONG_HEADER);
  });

  it("reads a text-only message as text, with no HTML and no remote images", async () => {
    const parts = await messageParts(
      await build({ from: "a@example.com", to: "b@example.org", subject: "Hi", text: "Hello" }),
    );
    expect(parts).toMatchObject({ html: null, attachments: [], hasRemoteImages: false });
    expect(parts.text?.trim()).toBe("Hello");
  });

  it("sees no remote image in HTML that has only data: and cid: images", async () => {
    const parts = await messageParts(
      await build({
        from: "a@example.com",
        to: "b@example.org",
        html: '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="https://example.org">x</a>',
      }),
    );
    expect(parts.hasRemoteImages).toBe(false);
  });
});

describe("emlFilename", () => {
  it("keeps the subject's safe characters and falls back to the id", () => {
    expect(emlFilename('Quarterly report: Q3/Q4 "final"', "cid1")).toBe(
      "Quarterly report Q3Q4 final.eml",
    );
    expect(emlFilename("Café menu", "cid1")).toBe("Cafe menu.eml");
    expect(emlFilename("???", "cabc")).toBe("cabc.eml");
    expect(emlFilename("", "cabc")).toBe("cabc.eml");
    expect(emlFilename("x".repeat(200), "c")).toHaveLength(84);
  });
});
