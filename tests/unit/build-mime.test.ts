// The MIME every accept builds: its multipart boundaries are random per message and distinct per
// part, so no message can carry a line that ends another's part.
import { describe, expect, it } from "vitest";
import { buildMime, type MimeOptions } from "../../lib/mail/build-mime";

const message: MimeOptions = {
  from: { name: "Ann", address: "ann@example.com" },
  to: [{ name: "", address: "bob@example.com" }],
  cc: [],
  bcc: [],
  subject: "Figures",
  text: "See attached.",
  html: "<p>See <b>attached</b>.</p>",
  attachments: [{ filename: "a.txt", contentType: "text/plain", content: Buffer.from("hello") }],
};

function boundaries(mime: Buffer): string[] {
  return [...mime.toString().matchAll(/boundary="([^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("buildMime", () => {
  it("gives each part its own boundary, and each message boundaries of its own", async () => {
    const first = boundaries((await buildMime(message)).mime);
    const second = boundaries((await buildMime(message)).mime);
    // multipart/mixed around multipart/alternative.
    expect(first).toHaveLength(2);
    expect(new Set(first).size).toBe(2);
    expect(second).toHaveLength(2);
    expect(second.some((b) => first.includes(b))).toBe(false);
    const mime = (await buildMime(message)).mime.toString();
    for (const boundary of boundaries(Buffer.from(mime))) {
      expect(mime).toContain(`\r\n--${boundary}--`);
    }
  });
});
