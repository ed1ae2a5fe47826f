// Compose's HTML body: what a person wrote keeps its formatting, anything that could run script
// is removed before it is stored, and the text part says the same thing in plain text.
import { describe, expect, it } from "vitest";
import { composeBody } from "../../lib/mail/compose-body";
import { htmlFromPlainText } from "../../lib/mail/html-from-plain-text";
import { plainTextFromHtml } from "../../lib/mail/plain-text-from-html";
import { sanitizeMessageHtml } from "../../lib/mail/sanitize-message-html";

describe("sanitizeMessageHtml", () => {
  it("removes scripts, event handlers and javascript: links", () => {
    const clean = sanitizeMessageHtml(
      '<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:alert(2)">there</a>' +
        '<img src="x" onerror="alert(3)"><iframe src="https://evil.example"></iframe></p>' +
        "<style>p{display:none}</style>",
    );
    expect(clean).toBe("<p>Hi <a>there</a></p>");
  });

  it("keeps the editor's formatting: bold, italic, links, lists, headings and quotes", () => {
    const html =
      "<h2>Plan</h2><p><b><strong>Launch</strong></b> on <em>Tuesday</em>, see " +
      '<a href="https://example.com/plan">the plan</a>.</p>' +
      "<ul><li>One</li></ul><ol><li>Two</li></ol><blockquote>Quoted</blockquote>";
    expect(sanitizeMessageHtml(html)).toBe(html);
  });

  it("drops the editor's spans, styles and classes, and data: links", () => {
    expect(
      sanitizeMessageHtml(
        '<p class="my-2" dir="ltr"><span style="white-space: pre-wrap;">Hi</span> ' +
          '<a href="data:text/html,x" class="text-blue-700">x</a></p>',
      ),
    ).toBe("<p>Hi <a>x</a></p>");
  });
});

describe("plainTextFromHtml", () => {
  it("writes paragraphs, lists and links as readable text", () => {
    const text = plainTextFromHtml(
      '<h2>Plan</h2><p>Launch on <strong>Tuesday</strong>, see <a href="https://example.com/plan">the plan</a>.</p>' +
        "<ul><li>One</li><li>Two</li></ul>",
    );
    expect(text).toBe(
      "Plan\n\nLaunch on Tuesday, see the plan [https://example.com/plan].\n\n * One\n * Two",
    );
  });
});

describe("composeBody", () => {
  it("sends the sanitized HTML with a text part derived from it", () => {
    const body = composeBody({
      html: '<p>Hello <b>Bob</b><script>x()</script></p><p><a href="https://example.com">example.com</a></p>',
      text: "ignored when there is HTML",
    });
    expect(body).toEqual({
      html: '<p>Hello <b>Bob</b></p><p><a href="https://example.com">example.com</a></p>',
      text: "Hello Bob\n\nexample.com [https://example.com]",
    });
  });

  it("takes the text alone when no HTML is posted, and an editor of empty lines as empty", () => {
    expect(composeBody({ html: "", text: "Plain" })).toEqual({ text: "Plain" });
    expect(composeBody({ html: "<p><br></p><p> </p>", text: "" })).toEqual({ text: "" });
  });
});

describe("htmlFromPlainText", () => {
  it("opens a text-only message in the editor as paragraphs, escaped", () => {
    expect(htmlFromPlainText("Hi <Bob>,\nline two\n\nBye & thanks")).toBe(
      "<p>Hi &lt;Bob&gt;,<br>line two</p><p>Bye &amp; thanks</p>",
    );
  });
});
