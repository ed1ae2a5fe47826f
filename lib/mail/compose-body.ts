// The body of a message written in compose: the editor's HTML, sanitized, with a text part
// derived from it (sent as multipart/alternative); or, when a client posts only `text`, that
// text alone.
import "server-only";
import { plainTextFromHtml } from "./plain-text-from-html";
import { sanitizeMessageHtml } from "./sanitize-message-html";

export function composeBody(fields: { html: string; text: string }): {
  html?: string;
  text: string;
} {
  if (!fields.html.trim()) return { text: fields.text };
  const html = sanitizeMessageHtml(fields.html);
  const text = plainTextFromHtml(html);
  // An editor holding only empty paragraphs is an empty message, not an empty HTML part.
  if (!text) return { text: "" };
  return { html, text };
}
