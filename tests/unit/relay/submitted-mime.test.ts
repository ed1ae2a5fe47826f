// The relay keeps a message as submitted: only the top-level Bcc headers go, a Message-ID is added
// when there is none, and every other byte (line endings, folding, parts) stays as it came.
import { describe, expect, it } from "vitest";
import { keepAsSubmitted, keepThroughMailsplit } from "../../../lib/relay/submitted-mime";

const newId = () => "<added@example.com>";

describe("keepAsSubmitted", () => {
  it("leaves a message without Bcc and with a Message-ID byte for byte", async () => {
    const raw = Buffer.from(
      "From: a@example.com\r\nTo: b@example.org\r\nMessage-ID: <kept@example.com>\r\nSubject:  odd  spacing \r\n\r\nBody\r\n.line\r\n",
    );
    const kept = await keepAsSubmitted(raw, newId);
    expect(kept.messageId).toBe("<kept@example.com>");
    expect(kept.mime.equals(raw)).toBe(true);
  });

  it("removes every top-level Bcc and Resent-Bcc header, folded or not, whatever its case", async () => {
    const raw =
      "BCC: one@example.com,\r\n\ttwo@example.com\r\nFrom: a@example.com\r\nbcc: three@example.com\r\nResent-Bcc: four@example.com\r\nMessage-ID: <m@example.com>\r\n\r\nBcc: this line is body text\r\n";
    const kept = await keepAsSubmitted(Buffer.from(raw), newId);
    expect(kept.mime.toString()).toBe(
      "From: a@example.com\r\nMessage-ID: <m@example.com>\r\n\r\nBcc: this line is body text\r\n",
    );
  });

  it("keeps the Bcc of a forwarded message inside it, and bare LF line endings", async () => {
    const raw = [
      "From: a@example.com",
      "Bcc: hidden@example.com",
      "Message-ID: <outer@example.com>",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: message/rfc822",
      "",
      "From: c@example.com",
      "Bcc: inner@example.com",
      "",
      "Forwarded",
      "--b1--",
      "",
    ].join("\n");
    const kept = await keepAsSubmitted(Buffer.from(raw), newId);
    expect(kept.mime.toString()).toBe(
      raw.replace("Bcc: hidden@example.com\n", "").replace(
        // The rewritten top-level header block is written with CRLF.
        /^([\s\S]*?)\n\n/,
        (_m, head: string) => `${head.split("\n").join("\r\n")}\r\n\r\n`,
      ),
    );
    expect(kept.mime.toString()).toContain("Bcc: inner@example.com\n");
  });

  it("adds a Message-ID at the end of the header block when there is none", async () => {
    const raw = "From: a@example.com\r\nSubject: Hi\r\n\r\nBody\r\n";
    const kept = await keepAsSubmitted(Buffer.from(raw), newId);
    expect(kept.messageId).toBe("<added@example.com>");
    expect(kept.mime.toString()).toBe(
      "From: a@example.com\r\nSubject: Hi\r\nMessage-ID: <added@example.com>\r\n\r\nBody\r\n",
    );
  });

  it("edits the header block exactly as running the whole message through mailsplit does", async () => {
    const bodies = [
      "Body\r\n",
      "",
      "\r\n\r\nBcc: body@example.com\r\n",
      "--b1\r\nBcc: part@example.com\r\n\r\npart\r\n--b1--\r\n",
    ];
    const heads = [
      "From: a@example.com\r\nTo: b@example.org\r\nSubject: Hi",
      "From: a@example.com\nBcc: x@example.com\nSubject: bare LF",
      "Bcc: x@example.com,\r\n y@example.com\r\nFrom: a@example.com\r\nMessage-ID: <m@example.com>",
      "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\r\nFrom: a@example.com\r\nresent-bcc: r@example.com",
      'From: a@example.com\r\nContent-Type: multipart/mixed; boundary="b1"\r\nBcc: x@example.com',
      "From: a@example.com\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline",
      "From: a@example.com\r\nX-Long: " + "word ".repeat(4000) + "\r\nBcc: x@example.com",
      "From: a@example.com\r\nSubject: =?UTF-8?B?w6nDqQ==?=\r\nX-8bit: caf\u00e9",
      "",
    ];
    let checked = 0;
    for (const head of heads) {
      for (const [i, body] of bodies.entries()) {
        for (const ending of ["\r\n\r\n", "\n\n", "\r\n"]) {
          const raw = Buffer.from(`${head}${ending}${body}`, "latin1");
          const withId = (n: number) => () => `<added-${n}@example.com>`;
          const expected = await keepThroughMailsplit(raw, withId(i));
          const kept = await keepAsSubmitted(raw, withId(i));
          expect(kept.messageId).toBe(expected.messageId);
          expect(kept.mime.toString("latin1")).toBe(expected.mime.toString("latin1"));
          checked++;
        }
      }
    }
    expect(checked).toBe(heads.length * bodies.length * 3);
  });
});
