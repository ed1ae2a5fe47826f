import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { z } from "zod";
import { DataTable, EmptyState } from "../../components/data-table";
import { LocalTime } from "../../components/local-time";
import { AUDIT_KINDS, isAuditKind, type AuditKind } from "@/lib/audit/audit-kinds";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { requireUser } from "@/lib/auth/session";
import { recordIdSchema } from "@/lib/http/record-id";
import { searchParam, type SearchParams } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  // A repeated, unknown or malformed parameter counts as absent, never as an error page.
  const kind = searchParam(
    params,
    "kind",
    z.string().refine((v): v is AuditKind => isAuditKind(v)),
  );
  const cursor = searchParam(params, "cursor", recordIdSchema);
  const { events, nextCursor } = await listAuditEvents(user.id, { kind, cursor });
  const kinds = Object.entries(AUDIT_KINDS) as [AuditKind, string][];

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Security events of your account, newest first, and server-wide ones: sign-ins refused to
          people who are not users, and encryption key rotations.
        </p>
      </div>
      <nav aria-label="Filter by kind" className="flex flex-wrap gap-2 text-sm">
        <FilterLink href="/audit" active={!kind}>
          All
        </FilterLink>
        {kinds.map(([value, label]) => (
          <FilterLink key={value} href={`/audit?kind=${value}`} active={kind === value}>
            {label}
          </FilterLink>
        ))}
      </nav>
      {events.length === 0 ? (
        <EmptyState>{kind ? "No events of this kind." : "No security events yet."}</EmptyState>
      ) : (
        <DataTable
          caption="Security events, newest first"
          columns={["Time", "Event", "Details", "From"]}
        >
          {events.map((event) => (
            <tr key={event.id} data-testid="audit-row" data-kind={event.kind}>
              <td className="px-4 py-3 whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                <LocalTime iso={event.createdAt.toISOString()} />
              </td>
              <td className="px-4 py-3 font-medium whitespace-nowrap">
                {isAuditKind(event.kind) ? AUDIT_KINDS[event.kind] : event.kind}
              </td>
              <td className="px-4 py-3">
                {event.email && <span className="block font-mono text-xs">{event.email}</span>}
                {event.detail}
              </td>
              <td className="px-4 py-3 text-xs text-zinc-500 dark:text-zinc-400">
                <span className="block font-mono">{event.ip ?? "—"}</span>
                {event.userAgent && (
                  <span className="block max-w-56 truncate" title={event.userAgent}>
                    {event.userAgent}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {nextCursor && (
        <Link
          href={`/audit?${new URLSearchParams({ ...(kind ? { kind } : {}), cursor: nextCursor }).toString()}`}
          className="text-sm text-blue-600 underline dark:text-blue-400"
        >
          Older events →
        </Link>
      )}
    </div>
  );
}

function FilterLink({
  href,
  active,
  children,
}: {
  href: string;
  active: boolean;
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-full border px-3 py-1 focus-visible:outline-2 focus-visible:outline-blue-600 ${
        active
          ? "border-blue-600 bg-blue-50 text-blue-800 dark:border-blue-400 dark:bg-blue-950 dark:text-blue-200"
          : "border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
      }`}
    >
      {children}
    </Link>
  );
}
