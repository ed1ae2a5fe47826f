// The rows of the history's CSV export: every message a filter shows, newest first, read a
// page at a time through the outbox (so scoped to the owner like the history page).
import "server-only";
import { decodeSource } from "./message-source";
import { displayStatus } from "./display-status";
import type { HistoryFilter } from "./outbox";
import { listMessages } from "./list-messages";

export const EXPORT_COLUMNS = [
  "id",
  "created_at_utc",
  "sent_at_utc",
  "status",
  "source",
  "to",
  "subject",
  "smtp_code",
  "smtp_reply",
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string>;

const EXPORT_PAGE = 500;

/**
 * A cell a spreadsheet would not read as a formula: one that starts with =, +, -, @, a tab or a
 * carriage return gets a leading apostrophe (OWASP's advice for CSV injection).
 */
export function inertCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export async function* exportRows(
  userId: string,
  filter: HistoryFilter,
): AsyncGenerator<ExportRow> {
  let cursor: string | undefined;
  do {
    const page = await listMessages(userId, { ...filter, cursor, limit: EXPORT_PAGE });
    for (const m of page.messages) {
      const row: ExportRow = {
        id: m.id,
        created_at_utc: m.createdAt.toISOString(),
        sent_at_utc: m.sentAt?.toISOString() ?? "",
        status: displayStatus(m),
        source: decodeSource(m.source).kind,
        to: (m.to as string[]).join(", "),
        subject: m.subject,
        smtp_code: m.lastSmtpCode?.toString() ?? "",
        smtp_reply: m.lastSmtpReply ?? "",
      };
      yield Object.fromEntries(Object.entries(row).map(([k, v]) => [k, inertCell(v)])) as ExportRow;
    }
    cursor = page.nextCursor;
  } while (cursor);
}
