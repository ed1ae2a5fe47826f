import { setupSummary, type CheckStatus, type SetupCheckResult } from "@/lib/setup/types";

const LOOK: Record<CheckStatus, { icon: string; text: string; box: string; badge: string }> = {
  ok: {
    icon: "✓",
    text: "passed",
    box: "border-zinc-200 dark:border-zinc-800",
    badge: "text-green-700 dark:text-green-400",
  },
  warn: {
    icon: "!",
    text: "warning",
    box: "border-amber-300 bg-amber-50/50 dark:border-amber-800 dark:bg-amber-950/40",
    badge: "text-amber-700 dark:text-amber-400",
  },
  fail: {
    icon: "✗",
    text: "failed",
    box: "border-red-300 bg-red-50/50 dark:border-red-800 dark:bg-red-950/40",
    badge: "text-red-700 dark:text-red-400",
  },
};

/** The setup check: a summary line, then one row per check with what to do when not green. */
export function SetupCheckList({ results }: { results: SetupCheckResult[] }) {
  const summary = setupSummary(results);
  return (
    <div>
      <p
        data-testid="setup-summary"
        role="status"
        className={`text-sm font-medium ${LOOK[summary.status].badge}`}
      >
        {summary.text}
      </p>
      <ol className="mt-3 space-y-2">
        {results.map((result) => (
          <CheckRow key={result.id} result={result} />
        ))}
      </ol>
    </div>
  );
}

function CheckRow({ result }: { result: SetupCheckResult }) {
  const look = LOOK[result.status];
  return (
    <li
      data-testid={`setup-check-${result.id}`}
      data-status={result.status}
      className={`rounded-lg border px-4 py-3 text-sm ${look.box}`}
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span aria-hidden="true" className={`w-4 font-bold ${look.badge}`}>
          {look.icon}
        </span>
        <span className="font-medium">{result.title}</span>
        <span className={`text-xs ${look.badge}`}>{look.text}</span>
      </div>
      <p className="mt-1 pl-7 break-words">
        <WithCode text={result.summary} />
      </p>
      {result.details && result.details.length > 0 && (
        <ul className="mt-1 space-y-0.5 pl-7 text-zinc-600 dark:text-zinc-400">
          {result.details.map((detail) => (
            <li key={detail} className="break-words">
              <WithCode text={detail} />
            </li>
          ))}
        </ul>
      )}
      {result.fix && (
        <p className="mt-2 pl-7 break-words">
          <span className="font-medium">What to do: </span>
          <WithCode text={result.fix} />
        </p>
      )}
    </li>
  );
}

/** The checks' text marks commands and paths with backticks, as a terminal shows them. */
function WithCode({ text }: { text: string }) {
  return text.split("`").map((part, index) =>
    index % 2 === 1 ? (
      <code key={index} className="font-mono text-xs">
        {part}
      </code>
    ) : (
      part
    ),
  );
}
