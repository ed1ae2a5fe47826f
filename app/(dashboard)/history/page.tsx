import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "../../components/auto-refresh";
import { DataTable, EmptyState } from "../../components/data-table";
import { LocalTime } from "../../components/local-time";
import { StatusBadge } from "../../components/status-badge";
import { requireUser } from "@/lib/auth/session";
import { listMessages } from "@/lib/outbox/list-messages";
import { waitingReason } from "@/lib/outbox/waiting-reason";
import { WaitingText } from "../../components/waiting-text";
import { IN_FLIGHT_STATUSES, isMessageStatus } from "@/lib/outbox/message-status";
import { recordIdSchema } from "@/lib/http/record-id";
import { searchParam, type SearchParams } from "@/lib/http/search-params";
import { keyNamesFor } from "@/lib/api-keys/key-names";
import { SOURCE_KINDS } from "@/lib/outbox/message-source";
import { SourceText } from "../../components/source-text";
import { z } from "zod";

const SOURCE_FILTERS = [
  { label: "All", value: undefined },
  { label: "Web", value: "web" },
  { label: "API", value: "api" },
  { label: "Relay", value: "relay" },
] as const;

export const metadata: Metadata = { title: "History" };
export const dynamic = "force-dynamic";

export default async function HistoryPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const user = await requireUser();
  const params = await searchParams;
  const cursor = searchParam(params, "cursor", recordIdSchema);
  const source = searchParam(params, "source", z.enum(SOURCE_KINDS));
  const { messages, nextCursor, cursorIgnored } = await listMessages(user.id, { cursor, source });
  const keyNames = await keyNamesFor(
    user.id,
    messages.map((m) => m.source),
  );
  const staleLink = params.cursor !== undefined && (cursor === undefined || cursorIgnored);
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
      <nav aria-label="Filter by source" className="flex gap-2 text-sm">
        {SOURCE_FILTERS.map((filter) => (
          <Link
            key={filter.label}
            href={filter.value ? `/history?source=${filter.value}` : "/history"}
            aria-current={source === filter.value ? "true" : undefined}
            className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100 aria-[current=true]:bg-zinc-100 aria-[current=true]:font-medium aria-[current=true]:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:aria-[current=true]:bg-zinc-800 dark:aria-[current=true]:text-zinc-100"
          >
            {filter.label}
          </Link>
        ))}
      </nav>
      {staleLink && (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          That link does not point to a page of your history; showing your newest messages.
        </p>
      )}
      {messages.length === 0 ? (
        <EmptyState>
          {source ? "No messages from this source" : "No messages yet"}.{" "}
          <Link href="/compose" className="text-blue-600 underline dark:text-blue-400">
            Compose one
          </Link>
          .
        </EmptyState>
      ) : (
        <DataTable
          caption="Messages, newest first"
          columns={["Status", "To", "Subject", "Source", "Time", "Gmail reply"]}
        >
          {messages.map((m) => (
            <tr
              key={m.id}
              data-testid="history-row"
              className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
            >
              <td className="px-4 py-3">
                <StatusBadge status={m.status} />
              </td>
              <td className="max-w-48 truncate px-4 py-3">{(m.to as string[]).join(", ")}</td>
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
                <LocalTime iso={(m.sentAt ?? m.createdAt).toISOString()} />
              </td>
              <td className="px-4 py-3 text-xs">
                {m.lastSmtpReply && (
                  <span
                    title={m.lastSmtpReply}
                    className="block font-mono"
                    data-testid="smtp-reply"
                  >
                    <strong>{m.lastSmtpCode}</strong>{" "}
                    {m.lastSmtpReply.replace(/^\d{3}[ -]?/, "").slice(0, 60)}
                  </span>
                )}
                {waiting.get(m.id) && <WaitingText reason={waiting.get(m.id)!} />}
                {!m.lastSmtpReply && !waiting.get(m.id) && <span className="text-zinc-400">—</span>}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {nextCursor && (
        <Link
          href={`/history?cursor=${nextCursor}${source ? `&source=${source}` : ""}`}
          className="text-sm text-blue-600 underline dark:text-blue-400"
        >
          Older messages →
        </Link>
      )}
    </div>
  );
}
