import { checkSenderDomains } from "@/lib/diagnostics/check-sender-domains";
import {
  CHECK_LEVEL_LABELS,
  type CheckLevel,
  type SenderDomainCheck,
  type SenderDomainReport,
} from "@/lib/diagnostics/sender-domain-types";
import { Card } from "./card";
import { RecheckSenderDomains } from "./recheck-sender-domains";

const LEVEL_STYLES: Record<CheckLevel, { badge: string; icon: string }> = {
  pass: {
    badge:
      "border-green-300 bg-green-50 text-green-800 dark:border-green-800 dark:bg-green-950 dark:text-green-200",
    icon: "✓",
  },
  warn: {
    badge:
      "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200",
    icon: "!",
  },
  fail: {
    badge:
      "border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200",
    icon: "✗",
  },
};

const INTRO =
  "Receivers check that mail from your domain really comes from servers it authorizes. Gmail asks every sender for SPF or DKIM, and bulk senders for SPF, DKIM, DMARC and one-click unsubscribe.";

/** The sender domain checks of the signed-in user's custom From domains, read when rendered. */
export async function SenderDomainCard({ userId }: { userId: string }) {
  const reports = await checkSenderDomains(userId);
  return (
    <Card id="sender-domain" title="Sender domain">
      {reports.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="sender-domain-none">
          You send from a Gmail address: Google publishes SPF, DKIM and DMARC for gmail.com, so
          there is nothing to set up.
        </p>
      ) : (
        <div className="space-y-6">
          <div className="space-y-3">
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{INTRO}</p>
            <RecheckSenderDomains />
          </div>
          {reports.map((report) => (
            <DomainReport key={report.domain} report={report} />
          ))}
        </div>
      )}
    </Card>
  );
}

/** What the card shows while DNS is asked, so the rest of the page does not wait for it. */
export function SenderDomainCardPending() {
  return (
    <Card id="sender-domain" title="Sender domain">
      <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-busy="true">
        Checking SPF, DKIM and DMARC…
      </p>
    </Card>
  );
}

function DomainReport({ report }: { report: SenderDomainReport }) {
  const headingId = `sender-domain-${report.domain.replace(/[^a-z0-9-]/g, "-")}`;
  return (
    <section aria-labelledby={headingId} data-testid="sender-domain-report">
      <h3 id={headingId} className="text-base font-semibold break-words">
        {report.domain}
      </h3>
      <p className="text-sm break-words text-zinc-600 dark:text-zinc-400">
        From {report.addresses.join(", ")}
      </p>
      <ul className="mt-3 space-y-3">
        {report.checks.map((check) => (
          <CheckItem key={check.id} check={check} />
        ))}
      </ul>
    </section>
  );
}

function CheckItem({ check }: { check: SenderDomainCheck }) {
  const style = LEVEL_STYLES[check.level];
  return (
    <li
      className="rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800"
      data-testid={`sender-check-${check.id}`}
      data-level={check.level}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{check.label}</span>
        <span
          className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium ${style.badge}`}
        >
          <span aria-hidden="true">{style.icon}</span>
          {CHECK_LEVEL_LABELS[check.level]}
        </span>
      </div>
      <p className="mt-2 break-words">{check.summary}</p>
      {check.notes.length > 0 && (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-zinc-600 dark:text-zinc-400">
          {check.notes.map((note) => (
            <li key={note} className="break-words">
              {note}
            </li>
          ))}
        </ul>
      )}
      {check.found.length > 0 && (
        <div className="mt-3">
          <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Published</p>
          {check.found.map((record, i) => (
            <code
              key={i}
              className="mt-1 block rounded bg-zinc-100 px-2 py-1 text-xs break-all dark:bg-zinc-800"
            >
              {record}
            </code>
          ))}
        </div>
      )}
      {check.fix &&
        (check.level === "pass" ? (
          <details className="mt-3 rounded-md bg-zinc-50 p-3 dark:bg-zinc-800/60">
            <summary className="cursor-pointer font-medium">How to add them</summary>
            <FixBody fix={check.fix} />
          </details>
        ) : (
          <div className="mt-3 rounded-md bg-zinc-50 p-3 dark:bg-zinc-800/60">
            <p className="font-medium">What to do</p>
            <FixBody fix={check.fix} />
          </div>
        ))}
    </li>
  );
}

function FixBody({ fix }: { fix: NonNullable<SenderDomainCheck["fix"]> }) {
  return (
    <>
      <p className="mt-1 break-words">{fix.text}</p>
      {fix.record && (
        <dl className="mt-2 grid grid-cols-[4rem_1fr] gap-x-3 gap-y-1 text-xs">
          <dt className="text-zinc-500 dark:text-zinc-400">Type</dt>
          <dd>
            <code>{fix.record.type}</code>
          </dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Name</dt>
          <dd className="min-w-0">
            <code className="break-all">{fix.record.name}</code>
          </dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Value</dt>
          <dd className="min-w-0">
            <code className="break-all" data-testid="sender-check-fix-record">
              {fix.record.value}
            </code>
          </dd>
        </dl>
      )}
      {fix.example && (
        <pre className="mt-2 rounded bg-zinc-100 p-2 text-xs break-all whitespace-pre-wrap dark:bg-zinc-900">
          <code>{fix.example}</code>
        </pre>
      )}
    </>
  );
}
