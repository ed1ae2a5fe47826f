// A stored message taken apart for the history's detail page: its HTML and text bodies, its
// attachments with their sizes, and its headers as they were sent (parsed by mailparser).
import "server-only";
import type { Readable } from "node:stream";
import { simpleParser } from "mailparser";

export interface MessageParts {
  /** The HTML body, inline images (cid:) turned into data: URLs; null for a text-only message. */
  html: string | null;
  text: string | null;
  attachments: { filename: string; contentType: string; size: number }[];
  /** Every header line in order, unfolded. */
  headers: { name: string; value: string }[];
  /** The HTML loads images from the network (shown only when the reader asks). */
  hasRemoteImages: boolean;
}

const REMOTE_IMAGE = /<img\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?\/\//i;

/** `mime` may be a stream (a big message read from its chunks): mailparser reads it as it comes. */
export async function messageParts(mime: Buffer | Readable): Promise<MessageParts> {
  const parsed = await simpleParser(mime);
  const html = typeof parsed.html === "string" ? parsed.html : null;
  return {
    html,
    text: parsed.text ?? null,
    attachments: parsed.attachments
      .filter((a) => a.contentDisposition !== "inline" || !a.related)
      .map((a) => ({
        filename: a.filename ?? "(unnamed)",
        contentType: a.contentType,
        size: a.size,
      })),
    headers: parsed.headerLines.map((line) => {
      const colon = line.line.indexOf(":");
      return {
        name: colon > 0 ? line.line.slice(0, colon) : line.key,
        // Unfolded as RFC 5322 says: a line break before whitespace is removed.
        value: (colon > 0 ? line.line.slice(colon + 1) : "").replace(/\r?\n(?=[ \t])/g, "").trim(),
      };
    }),
    hasRemoteImages: html !== null && REMOTE_IMAGE.test(html),
  };
}

/** A file name for the .eml download: the subject's safe characters, else the message's id. */
export function emlFilename(subject: string, id: string): string {
  const base = subject
    .normalize("NFKD")
    .replace(/[^\w .-]+/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
  return `${base || id}.eml`;
}
