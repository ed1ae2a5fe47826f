// The text/plain part of an HTML message, derived from its (sanitized) HTML, so readers that
// show only text — and spam filters that compare the two parts — see the same message.
import "server-only";
import { convert } from "html-to-text";

const OPTIONS = {
  wordwrap: 78,
  selectors: [
    // Headings as written, not shouted in capitals (html-to-text's default).
    { selector: "h1", options: { uppercase: false } },
    { selector: "h2", options: { uppercase: false } },
    { selector: "h3", options: { uppercase: false } },
    { selector: "h4", options: { uppercase: false } },
    // A link whose text is its own address is printed once.
    { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
  ],
};

export function plainTextFromHtml(html: string): string {
  return convert(html, OPTIONS).trim();
}
