import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "../../components/auto-refresh";
import { DataTable, EmptyState } from "../../components/data-table";
import { LocalTime } from "../../components/local-time";
import { StatusBadge } from "../../components/status-badge";
import { requireUser } from "@/lib/auth/session";
import { listMessages } from "@/lib/outbox/list-messages";
import { countStatuses } from "@/lib/outbox/count-statuses";
import { STATUS_COUNT_CAP } from "@/lib/outbox/read-messages";
import { waitingReason } from "@/lib/outbox/waiting-reason";
import { addressesWithNames, readDisplayNames } from "@/lib/outbox/display-names";
import { DISPLAY_STATUSES, displayStatus } from "@/lib/outbox/display-status";
import { WaitingText } from "../../components/waiting-text";
import { IN_FLIGHT_STATUSES, isMessageStatus } from "@/lib/outbox/message-status";
import type { SearchParams } from "@/lib/http/search-params";
import { historyHref, parseHistoryQuery } from "@/lib/http/history-query";
import { keyNamesFor } from "@/lib/api-keys/key-names";
import { SourceText } from "../../components/source-text";
import { BulkForm } from "./bulk-form";
import { replySummary, timeOf } from "./row-text";

const SOURCE_FILTERS = [
  { label: "Any source", value: "" },
  { label: "Web", value: "web" },
  { label: "API", value: "api" },
  { label: "Relay", value: "relay" },
] as const;

export const metadata: Metadata = { title: "History" };
export const dynamic = "force-dynamic";

const field =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";
const label = "flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400";
const link = "text-sm text-blue-600 underline dark:text-blue-400";

export default async function HistoryPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const user = await requireUser();
  const query = parseHistoryQuery(await searchParams);
  const { filter, params } = query;
  const [{ messages, nextCursor, newerCursor, cursorIgnored }, counts] = await Promise.all([
    listMessages(user.id, { ...filter, cursor: query.cursor, newerThan: query.newerThan }),
    countStatuses(user.id),
  ]);
  const keyNames = await keyNamesFor(
    user.id,
    messages.map((m) => m.source),
  );
  const filtered = Object.keys(filter).length > 0;
  const waiting = new Map(messages.map((m) => [m.id, waitingReason(m, m.account)]));
  const inFlight = messages.some(
    (m) => isMessageStatus(m.status) && IN_FLIGHT_STATUSES.includes(m.status),
  );

  return (
    <div className="space-y-6">
      <AutoRefresh active={inFlight} />
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold tracking-tight">History</h1>
        {inFlight && (
          <p className="text-sm text-zinc-500 dark:text-zinc-400" aria-live="polite">
            Updating while messages are in flight…
          </p>
        )}
      </div>
      <form
        method="get"
        action="/history"
        role="search"
        aria-label="Search and filter messages"
        className="space-y-2"
      >
        <div className="flex flex-wrap items-end gap-3">
          <label className={`${label} min-w-56 flex-1`}>
            Search
            <input
              type="search"
              name="q"
              defaultValue={params.q ?? ""}
              maxLength={200}
              placeholder="Recipient, subject word or Message-ID"
              aria-describedby="search-help"
              className={field}
            />
          </label>
          <label className={label}>
            Status
            <select name="status" defaultValue={params.status ?? ""} className={field}>
              <option value="">Any status</option>
              {DISPLAY_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          <label className={label}>
            Source
            <select name="source" defaultValue={params.source ?? ""} className={field}>
              {SOURCE_FILTERS.map((source) => (
                <option key={source.value} value={source.value}>
                  {source.label}
                </option>
              ))}
            </select>
          </label>
          <label className={label}>
            From (UTC day)
            <input type="date" name="from" defaultValue={params.from ?? ""} className={field} />
          </label>
          <label className={label}>
            To (UTC day)
            <input type="date" name="to" defaultValue={params.to ?? ""} className={field} />
          </label>
          <button
            type="submit"
            className="rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          >
            Search
          </button>
          {filtered && (
            <Link href="/history" className={link}>
              Clear
            </Link>
          )}
        </div>
        <p id="search-help" className="text-xs text-zinc-500 dark:text-zinc-400">
          Finds messages where every word you type starts a recipient address (To, Cc or Bcc) or a
          word of the subject, or a message by its exact Message-ID. Dates are days in UTC.
        </p>
      </form>
      <nav aria-label="Filter by status" className="flex flex-wrap gap-2 text-sm">
        {DISPLAY_STATUSES.map((status) => (
          <Link
            key={status}
            href={historyHref(params, { status: filter.status === status ? undefined : status })}
            aria-current={filter.status === status ? "true" : undefined}
            data-testid={`status-count-${status}`}
            className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 aria-[current=true]:bg-zinc-100 aria-[current=true]:font-medium aria-[current=true]:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:aria-[current=true]:bg-zinc-800 dark:aria-[current=true]:text-zinc-100"
          >
            {status}{" "}
            <span className="tabular-nums">
              {counts[status] >= STATUS_COUNT_CAP
                ? `${STATUS_COUNT_CAP.toLocaleString("en-US")}+`
                : counts[status].toLocaleString("en-US")}
            </span>
          </Link>
        ))}
        <span className="px-2 py-1 text-xs text-zinc-500 dark:text-zinc-400">
          (all your messages)
        </span>
      </nav>
      {query.ignored.length > 0 && (
        <p role="status" className="text-sm text-amber-700 dark:text-amber-400">
          Not applied, as it was not valid: {query.ignored.join(", ")}.
        </p>
      )}
      {cursorIgnored && (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          That link does not point to a page of your history; showing your newest messages.
        </p>
      )}
      {messages.length === 0 ? (
        <EmptyState>
          {filtered ? (
            <>
              No messages match.{" "}
              <Link href="/history" className="text-blue-600 underline dark:text-blue-400">
                Show all
              </Link>
              .
            </>
          ) : (
            <>
              No messages yet.{" "}
              <Link href="/compose" className="text-blue-600 underline dark:text-blue-400">
                Compose one
              </Link>
              .
            </>
          )}
        </EmptyState>
      ) : (
        <BulkForm>
          <DataTable
            caption="Messages, newest first"
            columns={["Select", "Status", "To", "Subject", "Source", "Time", "Gmail reply"]}
          >
            {messages.map((m) => (
              <tr
                key={m.id}
                data-testid="history-row"
                className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
              >
                <td className="px-4 py-3">
                  <input
                    type="checkbox"
                    name="id"
                    value={m.id}
                    aria-label={`Select “${m.subject || "(no subject)"}”`}
                    className="size-4"
                  />
                </td>
                <td className="px-4 py-3">
                  <StatusBadge status={displayStatus(m)} />
                </td>
                <td className="max-w-48 truncate px-4 py-3">
                  {addressesWithNames(m.to, readDisplayNames(m.displayNames))}
                </td>
                <td className="px-4 py-3">
                  <Link
                    href={`/history/${m.id}`}
                    className="font-medium text-blue-700 hover:underline dark:text-blue-400"
                  >
                    {m.subject || "(no subject)"}
                  </Link>
                </td>
                <td className="px-4 py-3 text-zinc-500 dark:text-zinc-400" data-testid="source">
                  <SourceText source={m.source} keyNames={keyNames} />
                </td>
                <td className="px-4 py-3 whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                  <span className="text-xs">{timeOf(m).label} </span>
                  <LocalTime iso={timeOf(m).at.toISOString()} />
                </td>
                <td className="px-4 py-3 text-xs">
                  {m.lastSmtpReply && (
                    <span
                      title={m.lastSmtpReply}
                      className="block font-mono"
                      data-testid="smtp-reply"
                    >
                      <strong>{m.lastSmtpCode}</strong> {replySummary(m.lastSmtpReply)}
                    </span>
                  )}
                  {waiting.get(m.id) && <WaitingText reason={waiting.get(m.id)!} />}
                  {!m.lastSmtpReply && !waiting.get(m.id) && (
                    <span className="text-zinc-400">—</span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </BulkForm>
      )}
      <nav aria-label="Pages" className="flex flex-wrap items-center gap-4">
        {newerCursor && (
          <Link href={historyHref({ ...params, newer: newerCursor })} className={link}>
            ← Newer messages
          </Link>
        )}
        {nextCursor && (
          <Link href={historyHref({ ...params, cursor: nextCursor })} className={link}>
            Older messages →
          </Link>
        )}
        {messages.length > 0 && (
          <a
            href={historyHref(params, {}, "/history/export")}
            className={`${link} ml-auto`}
            download
          >
            Export all matching messages as CSV
          </a>
        )}
      </nav>
    </div>
  );
}
