// A MessageEvent row as an engine writes it beside a status change: the timeline's one entry.
export interface EventRow {
  messageId: string;
  type: string;
  status?: string | null;
  smtpCode?: number | null;
  smtpReply?: string | null;
  detail?: string | null;
}
