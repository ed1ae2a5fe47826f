// The relay reads a one-part plain-text message itself, with mailparser's own header decoding:
// what it reads must be what mailparser reads from the whole message, and every other message
// must be left to mailparser.
import { describe, expect, it } from "vitest";
import {
  readPlainText,
  readSubmitted,
  readWithMailparser,
} from "../../../lib/relay/submitted-view";

const DATE = "Date: Wed, 02 Dec 2026 17:00:00 +0000";

/** Header blocks read the quick way, each with the bodies below. */
const PLAIN_HEADS = [
  "From: a@example.com\r\nTo: b@example.org\r\nSubject: Hi",
  'From: "Ann Example" <a@example.com>\r\nTo: "Doe, Jo" <jo@example.org>',
  "From: =?UTF-8?B?w4lsaXNl?= <a@example.com>\r\nTo: Bob <b@example.org>, team: c@example.org, d@example.org;\r\nCc: e@example.org\r\nSubject: =?UTF-8?Q?Caf=C3=A9_au_lait?=",
  "From: a@example.com\r\nFrom: b@example.com\r\nSender: s@example.com\r\nTo: x@example.org\r\nTo: y@example.org",
  "From: a@example.com\nTo: b@example.org\nSubject: bare LF\nContent-Type: text/plain; charset=US-ASCII\nContent-Transfer-Encoding: 7bit",
  'From: a@example.com\r\nSubject: folded\r\n subject line\r\nContent-Type: TEXT/PLAIN; charset="utf-8"\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: 8bit',
  "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\r\nFrom: a@example.com\r\nSubject: mbox",
  "From: a@example.com\r\nSubject: with bcc\r\nBcc: hidden@example.org\r\nMessage-ID: <m@example.com>\r\nList-Id: <list.example.com>\r\nX-Priority: 1",
  "Subject: =?ISO-8859-1?Q?caf=E9?=\r\nFrom: =?ISO-8859-1?Q?Andr=E9?= <a@example.com>",
  "",
];

/** Header blocks mailparser must read (parts, encodings, charsets, attachments, flowed). */
const OTHER_HEADS = [
  'From: a@example.com\r\nContent-Type: multipart/alternative; boundary="b1"',
  "From: a@example.com\r\nContent-Type: text/html; charset=utf-8",
  "From: a@example.com\r\nContent-Type: text/plain; charset=iso-8859-1",
  "From: a@example.com\r\nContent-Transfer-Encoding: quoted-printable",
  "From: a@example.com\r\nContent-Transfer-Encoding: base64",
  "From: a@example.com\r\nContent-Type: text/plain; format=flowed",
  "From: a@example.com\r\nContent-Disposition: attachment; filename=a.txt",
  "From: a@example.com\r\nX-Long: " + "word ".repeat(4000),
];

const BODIES = [
  "Hello\r\nsecond line\r\n",
  "",
  "\r\n\r\nBcc: body@example.com\r\ncaf\u00e9 \u00e0 8 bits\r\n",
  "no final line break",
  "--b1\r\nContent-Type: text/plain\r\n\r\npart\r\n--b1--\r\n",
  "SGVsbG8=\r\n",
];

function messages(heads: string[]): Buffer[] {
  return heads.flatMap((head) =>
    BODIES.flatMap((body) =>
      ["\r\n\r\n", "\n\n"].map((ending) =>
        Buffer.from(`${head ? `${DATE}\r\n${head}` : ""}${ending}${body}`, "utf8"),
      ),
    ),
  );
}

describe("reading a submitted message", () => {
  it("reads a one-part plain-text message as mailparser reads the whole message", async () => {
    const raws = messages(PLAIN_HEADS);
    for (const raw of raws) {
      const quick = readPlainText(raw);
      expect(quick, raw.toString()).toBeDefined();
      expect(quick).toEqual(await readWithMailparser(raw));
    }
    expect(raws.length).toBe(PLAIN_HEADS.length * BODIES.length * 2);
  });

  it("leaves every other message to mailparser, and gives what it reads", async () => {
    for (const raw of messages(OTHER_HEADS)) {
      expect(readPlainText(raw), raw.toString()).toBeUndefined();
      expect(await readSubmitted(raw)).toEqual(await readWithMailparser(raw));
    }
  });

  it("gives the history's fields of a message with display names", async () => {
    const raw = Buffer.from(
      'From: "Ann Example" <a@example.com>\r\n' +
        "To: Bob <b@example.org>\r\nSubject: =?UTF-8?Q?Caf=C3=A9?=\r\n\r\nLine one\r\nLine two\r\n",
    );
    const view = await readSubmitted(raw);
    expect(view.subject).toBe("Café");
    expect(view.text).toBe("Line one\nLine two\n");
    expect(view.from?.value).toEqual([{ address: "a@example.com", name: "Ann Example" }]);
    expect(view.headerLines.map((l) => l.key)).toEqual(["from", "to", "subject"]);
  });
});
