// What a history row says in words: which of its times it shows, and Gmail's reply in short.

/** Which time a row shows: when it was sent, when it is scheduled for, or when it was created. */
export function timeOf(m: { sentAt: Date | null; scheduledAt: Date | null; createdAt: Date }) {
  if (m.sentAt) return { label: "Sent", at: m.sentAt };
  if (m.scheduledAt && m.scheduledAt > m.createdAt)
    return { label: "Scheduled", at: m.scheduledAt };
  return { label: "Created", at: m.createdAt };
}

const REPLY_CHARS = 60;

/** Gmail's reply without its code, cut at a word boundary (the full reply is in the title). */
export function replySummary(reply: string): string {
  const text = reply.replace(/^\d{3}[ -]?/, "").trim();
  if (text.length <= REPLY_CHARS) return text;
  const cut = text.slice(0, REPLY_CHARS + 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > 20 ? cut.slice(0, space) : cut.slice(0, REPLY_CHARS)).trimEnd()}…`;
}
