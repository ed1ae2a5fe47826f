// Gmail's limits on one message, shared by the server's checks and the compose form's.
export const MAX_RECIPIENTS = 100; // Gmail's per-message limit through SMTP
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024; // Gmail's user-facing limit

/** "25 MB" for 25 × 1024 × 1024 bytes, rounded up so a byte over the limit never reads as it. */
export function formatMegabytes(bytes: number): string {
  return `${Math.ceil(bytes / ((1024 * 1024) / 10)) / 10} MB`;
}

/**
 * What a file adds to a message: base64 (4 bytes for every 3) with a line break (CRLF) after
 * every 76 characters, and its part's headers. Gmail's 25 MB counts the message as sent.
 */
export function encodedAttachmentBytes(fileBytes: number): number {
  const base64 = Math.ceil(fileBytes / 3) * 4;
  return base64 + Math.ceil(base64 / 76) * 2 + ATTACHMENT_PART_HEADER_BYTES;
}

/** Room for one attachment part's headers (type, disposition, filename, boundary). */
const ATTACHMENT_PART_HEADER_BYTES = 400;

/** Room for the rest of a message with attachments: headers, text part, boundaries. */
export const MESSAGE_OVERHEAD_BYTES = 16 * 1024;

/** The largest file that still fits in a message once encoded (less a few bytes for rounding). */
export const MAX_ATTACHMENT_BYTES =
  Math.floor(
    ((MAX_MESSAGE_BYTES - MESSAGE_OVERHEAD_BYTES - ATTACHMENT_PART_HEADER_BYTES) * 3 * 76) /
      (4 * 78),
  ) - 4;
