// Cleans the HTML a person wrote in compose before it is stored and sent: the formatting the
// editor makes is kept, anything that could run script or pull in other content is removed.
import "server-only";
import sanitizeHtml from "sanitize-html";

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "code",
    "pre",
    "a",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "hr",
  ],
  allowedAttributes: { a: ["href", "title"], ol: ["start"] },
  // No javascript:, data: or relative links: a mail reader has no page to resolve them against.
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  // Tags not listed (the editor's spans, a pasted div) go and their text stays; these go with
  // their text, which is not part of the message.
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head"],
};

export function sanitizeMessageHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
