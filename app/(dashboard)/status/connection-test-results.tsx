import { stepLabel, type ConnectionTestResult, type StepResult } from "@/lib/diagnostics/types";
import type { SendWay } from "@/lib/sending/ways/send-ways";

/** A finished connection test: a summary line, then one row per step (test hooks on each row). */
export function ConnectionTestResults({ result }: { result: ConnectionTestResult }) {
  const failed = result.steps.find((s) => !s.ok && !s.skipped);
  const api = result.way === "gmail_api";
  const where = `${api ? "the Gmail API at " : ""}${result.host}:${result.port}`;
  const mode = api
    ? result.secure
      ? "HTTPS"
      : "plain HTTP"
    : result.secure
      ? "implicit TLS"
      : "STARTTLS";
  return (
    <div>
      <p
        data-testid="diag-summary"
        className={`text-sm font-medium ${result.ok ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}`}
      >
        {result.ok
          ? `All steps passed: ${result.email} can send through ${where}.`
          : `Failed at ${failed ? stepLabel(failed.step, result.way) : "a step"} — ${where}.`}{" "}
        <span className="font-normal text-zinc-500 dark:text-zinc-400">
          ({mode}, {result.durationMs} ms)
        </span>
      </p>
      <ol className="mt-3 space-y-2">
        {result.steps.map((step) => (
          <StepRow key={step.step} step={step} way={result.way} />
        ))}
      </ol>
    </div>
  );
}

function StepRow({ step, way }: { step: StepResult; way: SendWay }) {
  const state = step.skipped ? "skipped" : step.ok ? "true" : "false";
  const look = {
    true: {
      icon: "✓",
      text: "passed",
      box: "border-zinc-200 dark:border-zinc-800",
      badge: "text-green-700 dark:text-green-400",
    },
    false: {
      icon: "✗",
      text: "failed",
      box: "border-red-300 bg-red-50/50 dark:border-red-800 dark:bg-red-950/40",
      badge: "text-red-700 dark:text-red-400",
    },
    skipped: {
      icon: "–",
      text: "skipped",
      box: "border-dashed border-zinc-200 dark:border-zinc-800",
      badge: "text-zinc-400 dark:text-zinc-500",
    },
  }[state];

  return (
    <li
      data-testid={`diag-step-${step.step}`}
      data-ok={state}
      className={`rounded-lg border px-4 py-3 text-sm ${look.box}`}
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span aria-hidden="true" className={`w-4 font-bold ${look.badge}`}>
          {look.icon}
        </span>
        <span className="font-medium">{stepLabel(step.step, way)}</span>
        <span className={`text-xs ${look.badge}`}>{look.text}</span>
        {!step.skipped && (
          <span className="ml-auto text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
            {step.durationMs} ms
          </span>
        )}
      </div>
      <p
        className={`mt-1 pl-7 break-words ${step.skipped ? "text-zinc-500 dark:text-zinc-400" : ""}`}
      >
        {step.detail}
      </p>
      {step.certificate && (
        <dl className="mt-2 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 pl-7 text-xs">
          <dt className="text-zinc-500 dark:text-zinc-400">Subject</dt>
          <dd data-testid="diag-cert-subject">{step.certificate.subject}</dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Issuer</dt>
          <dd>{step.certificate.issuer}</dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Valid until</dt>
          <dd>
            <time dateTime={step.certificate.validTo}>{step.certificate.validTo.slice(0, 10)}</time>
          </dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Verified</dt>
          <dd>{step.certificate.verified ? "Yes" : "No"}</dd>
        </dl>
      )}
      {!step.ok && !step.skipped && step.reply && (
        <pre className="mt-2 ml-7 overflow-x-auto rounded-md bg-zinc-100 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-800">
          {step.reply}
        </pre>
      )}
      {step.explanation && (
        <div
          data-testid={`diag-explanation-${step.step}`}
          className="mt-3 ml-7 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-50"
        >
          <p className="font-semibold">{step.explanation.title}</p>
          <p className="mt-1">{step.explanation.meaning}</p>
          <p className="mt-1">
            <span className="font-medium">How to fix: </span>
            {step.explanation.fix}
          </p>
          {step.explanation.replyId && (
            <a
              href={`#reply-${step.explanation.replyId}`}
              className="mt-1 inline-block text-xs underline focus-visible:outline-2 focus-visible:outline-blue-600"
            >
              More in “Gmail replies explained”
            </a>
          )}
        </div>
      )}
    </li>
  );
}
