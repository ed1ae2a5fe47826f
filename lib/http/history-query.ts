// The history's query string, read with zod: the search, the filters and the page, shared by
// the history page and its CSV export so both show the same messages. A value that is not valid
// is left out and named in `ignored`, so the page says what it did not apply instead of failing.
import { z } from "zod";
import { DISPLAY_STATUSES } from "@/lib/outbox/display-status";
import { SOURCE_KINDS } from "@/lib/outbox/message-source";
import type { HistoryFilter } from "@/lib/outbox/outbox";
import { recordIdSchema } from "./record-id";
import type { SearchParams } from "./search-params";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day (YYYY-MM-DD), as the start of that day in UTC. */
const daySchema = z
  .string()
  .regex(DAY)
  .transform((value, ctx) => {
    const date = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      ctx.addIssue({ code: "custom", message: "Not a date." });
      return z.NEVER;
    }
    return date;
  });

const FIELDS = {
  q: z.string().trim().max(200),
  status: z.enum(DISPLAY_STATUSES),
  source: z.enum(SOURCE_KINDS),
  from: daySchema,
  to: daySchema,
  cursor: recordIdSchema,
  newer: recordIdSchema,
};

type Field = keyof typeof FIELDS;

const LABELS: Record<Field, string> = {
  q: "search",
  status: "status",
  source: "source",
  from: "from date",
  to: "to date",
  cursor: "page",
  newer: "page",
};

export interface HistoryQuery {
  filter: HistoryFilter;
  /** The filter's own values from the query string, valid ones only, for links that keep it. */
  params: Partial<Record<Field, string>>;
  cursor?: string;
  newerThan?: string;
  /** What the query string held that was not used, for a person to read. */
  ignored: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function parseHistoryQuery(search: SearchParams): HistoryQuery {
  const params: Partial<Record<Field, string>> = {};
  const values: Partial<{ [F in Field]: z.output<(typeof FIELDS)[F]> }> = {};
  const ignored = new Set<string>();
  for (const field of Object.keys(FIELDS) as Field[]) {
    const raw = Object.hasOwn(search, field) ? search[field] : undefined;
    if (raw === undefined || raw === "") continue;
    const parsed = typeof raw === "string" ? FIELDS[field].safeParse(raw) : undefined;
    if (!parsed?.success) {
      ignored.add(LABELS[field]);
      continue;
    }
    if (parsed.data === "") continue;
    (values as Record<string, unknown>)[field] = parsed.data;
    params[field] = typeof parsed.data === "string" ? parsed.data : (raw as string);
  }
  delete params.cursor;
  delete params.newer;
  let until = values.to ? new Date(values.to.getTime() + DAY_MS) : undefined;
  if (values.from && until && until <= values.from) {
    ignored.add("to date (before the from date)");
    until = undefined;
    delete params.to;
  }
  return {
    filter: {
      ...(values.q ? { query: values.q } : {}),
      ...(values.status ? { status: values.status } : {}),
      ...(values.source ? { source: values.source } : {}),
      ...(values.from ? { since: values.from } : {}),
      ...(until ? { until } : {}),
    },
    params,
    ...(values.cursor && !values.newer ? { cursor: values.cursor } : {}),
    ...(values.newer ? { newerThan: values.newer } : {}),
    ignored: [...ignored],
  };
}

/** The query string for the filter in `params` with `changes` applied (undefined removes). */
export function historyHref(
  params: HistoryQuery["params"],
  changes: Partial<Record<Field, string | undefined>> = {},
  path = "/history",
): string {
  const next = new URLSearchParams();
  const merged = { ...params, ...changes };
  for (const field of Object.keys(FIELDS) as Field[]) {
    const value = merged[field];
    if (value) next.set(field, value);
  }
  const text = next.toString();
  return text ? `${path}?${text}` : path;
}
