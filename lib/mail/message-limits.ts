// Gmail's limits on one message, shared by the server's checks and the compose form's.
export const MAX_RECIPIENTS = 100; // Gmail's per-message limit through SMTP
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024; // Gmail's user-facing limit

/** "25 MB" for 25 × 1024 × 1024 bytes, rounded up so a byte over the limit never reads as it. */
export function formatMegabytes(bytes: number): string {
  return `${Math.ceil(bytes / ((1024 * 1024) / 10)) / 10} MB`;
}
