import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "../../components/auto-refresh";
import { LocalTime } from "../../components/local-time";
import { SignInButton } from "../../components/sign-in-button";
import { Card } from "../status/card";
import { TimeText } from "../status/time-text";
import { VolumeChart } from "./volume-chart";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { getAccountStatus } from "@/lib/diagnostics/account-status";
import { readOverview } from "@/lib/diagnostics/overview";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

const fmt = (n: number) => n.toLocaleString("en-US");

const COLUMNS = [
  { key: "sent", label: "Sent", href: "/history?status=sent" },
  { key: "waiting", label: "Waiting", href: "/history?status=queued" },
  { key: "deferred", label: "Deferred", href: "/history?status=deferred" },
  { key: "failed", label: "Failed", href: "/history?status=failed" },
] as const;

export default async function OverviewPage() {
  const user = await requireUser();
  const now = new Date();
  const status = await getAccountStatus(user.id, now);

  if (!status) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <Card id="no-account" title="No Google account connected">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Connect a Google account and allow Mailroom to send email; what you send will be summed
            up here.
          </p>
          <div className="mt-4">
            <SignInButton label="Connect Google account" />
          </div>
        </Card>
      </div>
    );
  }

  const overview = await readOverview(
    await db(),
    {
      userId: user.id,
      accountId: status.account.id,
      kind: status.account.kind,
      dailyLimit: status.usage.dailyLimit,
    },
    now,
  );
  const { usage } = status;
  const unit = overview.volume.unit;

  return (
    <div className="space-y-6">
      <AutoRefresh active={status.waiting > 0} intervalMs={3000} />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          What became of the messages you sent from {status.account.email}, and how much of
          Gmail&apos;s daily limit they use.
          {status.waiting > 0 && " Updates by itself while messages are on their way."}
        </p>
      </div>

      <Card id="outcomes" title="Messages by outcome">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Messages accepted in each period, by what became of them so far.
        </p>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full min-w-[28rem] text-sm" data-testid="outcomes">
            <thead>
              <tr className="border-b border-zinc-200 text-left dark:border-zinc-800">
                <th scope="col" className="py-2 pr-4 font-medium">
                  Accepted in the
                </th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col" className="py-2 pr-4 text-right font-medium">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {overview.windows.map((w) => (
                <tr
                  key={w.label}
                  className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60"
                >
                  <th scope="row" className="py-2 pr-4 text-left font-normal">
                    {w.label.replace(/^Last/, "last")}
                  </th>
                  {COLUMNS.map((c) => (
                    <td
                      key={c.key}
                      className="py-2 pr-4 text-right tabular-nums"
                      data-testid={`${c.key}-${w.label}`}
                    >
                      {w[c.key] > 0 ? (
                        <Link
                          href={c.href}
                          className="font-semibold text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                        >
                          {fmt(w[c.key])}
                        </Link>
                      ) : (
                        <span className="text-zinc-500 dark:text-zinc-400">0</span>
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card id="volume" title="Sent against the daily limit">
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="volume-summary">
          Each bar is one rolling 24-hour window, as Gmail counts it, ending at the date shown; the
          line is the limit of {fmt(usage.dailyLimit)} {unit} a day.{" "}
          {usage.nextSlotAt ? (
            <>
              The limit is reached: messages wait, and the next slot frees{" "}
              <TimeText date={usage.nextSlotAt} now={now} />.
            </>
          ) : (
            <>
              In the last 24 hours: {fmt(usage.sentLast24h)} of {fmt(usage.dailyLimit)} {unit},{" "}
              {fmt(usage.remaining)} left.
            </>
          )}
        </p>
        <div className="mt-4">
          <VolumeChart
            days={overview.volume.days.map((d) => ({
              endsAt: d.endsAt.toISOString(),
              count: d.count,
            }))}
            dailyLimit={overview.volume.dailyLimit}
            unit={unit}
          />
        </div>
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
            The figures as a table
          </summary>
          <table className="mt-2 w-full text-sm" data-testid="volume-table">
            <thead>
              <tr className="text-left">
                <th scope="col" className="py-1 pr-4 font-medium">
                  24 hours ending
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Sent ({unit})
                </th>
              </tr>
            </thead>
            <tbody>
              {[...overview.volume.days].reverse().map((d) => (
                <tr key={d.endsAt.toISOString()}>
                  <td className="py-1 pr-4">
                    <LocalTime iso={d.endsAt.toISOString()} />
                  </td>
                  <td className="py-1 text-right tabular-nums">{fmt(d.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </Card>

      <Card id="failures" title="Latest failures">
        {overview.failures.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No message has failed.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="failures">
            {overview.failures.map((f) => (
              <li key={f.id} className="py-3 text-sm">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link
                    href={`/history/${f.id}`}
                    className="font-medium text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                  >
                    {f.subject || "(no subject)"}
                  </Link>
                  <span className="text-zinc-500 dark:text-zinc-400">
                    <LocalTime iso={f.failedAt.toISOString()} />
                  </span>
                </div>
                <p className="mt-1 break-words text-zinc-600 dark:text-zinc-400">
                  To {f.to.join(", ") || "—"}
                </p>
                {f.explanation ? (
                  <p className="mt-1">
                    <span className="font-medium">{f.explanation.title}.</span> {f.explanation.fix}
                  </p>
                ) : (
                  f.reply && <p className="mt-1 break-words">{f.reply}</p>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
