import { StatusBadge } from "../../components/status-badge";
import type { AccountStatus } from "@/lib/diagnostics/account-status";
import { MESSAGE_STATUSES } from "@/lib/outbox/message-status";
import { Card } from "./card";
import { TimeText } from "./time-text";

export function UsageCard({
  usage,
  counts,
  kind,
  now,
}: {
  usage: AccountStatus["usage"];
  counts: AccountStatus["counts"];
  kind: AccountStatus["account"]["kind"];
  now: Date;
}) {
  const fraction = Math.min(1, usage.sentLast24h / usage.dailyLimit);
  const bar =
    fraction >= 1 ? "fill-red-600" : fraction >= 0.8 ? "fill-amber-500" : "fill-green-600";
  const fmt = (n: number) => n.toLocaleString("en-US");
  // Consumer Gmail's limit counts recipients (To + Cc + Bcc); Workspace's counts messages.
  const unit = kind === "workspace" ? "messages" : "recipients";

  return (
    <Card id="usage" title="Daily sending">
      <div className="flex items-baseline justify-between gap-4 text-sm">
        <p id="usage-label">
          {kind === "workspace"
            ? "Messages sent in the last 24 hours"
            : "Recipients of messages sent in the last 24 hours"}
        </p>
        <p className="tabular-nums" data-testid="usage-text">
          <span className="text-lg font-semibold">{fmt(usage.sentLast24h)}</span> of{" "}
          {fmt(usage.dailyLimit)} {unit}
        </p>
      </div>
      <div
        role="progressbar"
        aria-labelledby="usage-label"
        aria-valuemin={0}
        aria-valuemax={usage.dailyLimit}
        aria-valuenow={usage.sentLast24h}
        aria-valuetext={`${fmt(usage.sentLast24h)} of ${fmt(usage.dailyLimit)} ${unit}`}
        className="mt-2 h-3 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        {/* The fill's width is an SVG attribute, not a style attribute: the Content-Security-Policy
            allows no inline styles. */}
        <svg aria-hidden="true" className="block h-full w-full">
          <rect width={`${fraction * 100}%`} height="100%" rx="6" className={bar} />
        </svg>
      </div>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {usage.nextSlotAt ? (
          <>
            Daily Gmail limit reached; messages wait and sending resumes{" "}
            <TimeText date={usage.nextSlotAt} now={now} />.
          </>
        ) : (
          <>
            {fmt(usage.remaining)} {unit} left in the rolling window.{" "}
            {kind === "workspace"
              ? "Google Workspace allows 2,000 messages and 10,000 recipients a day (500 messages during a trial)."
              : "Consumer Gmail allows about 500 recipients a day, counting To, Cc and Bcc."}
          </>
        )}
      </p>

      <h3 className="mt-6 text-sm font-medium">All messages by status</h3>
      <dl className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        {MESSAGE_STATUSES.map((status) => (
          <div
            key={status}
            data-testid={`count-${status}`}
            className="flex items-center justify-between gap-2 rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800"
          >
            <dt>
              <StatusBadge status={status} />
            </dt>
            <dd className="font-semibold tabular-nums">{fmt(counts[status])}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
