"use client";

import { useActionState, useState } from "react";
import type { ConnectionTarget, TlsMode } from "@/lib/diagnostics/connection-targets";
import { DIAGNOSTIC_STEPS, STEP_LABELS } from "@/lib/diagnostics/types";
import type { SendWay } from "@/lib/sending/ways/send-ways";
import { testConnectionAction, type TestConnectionState } from "./actions";
import { ConnectionTestResults } from "./connection-test-results";

const MODE_LABELS: Record<TlsMode, string> = {
  implicit: "Implicit TLS",
  starttls: "STARTTLS",
};

export function ConnectionTest({
  targets,
  way = "smtp_oauth",
}: {
  targets: ConnectionTarget[];
  /** How the account sends: the Gmail API is tested on its own host, whatever the SMTP mode. */
  way?: SendWay;
}) {
  const [state, action, pending] = useActionState<TestConnectionState, FormData>(
    testConnectionAction,
    {},
  );
  // Controlled, so the choice survives React's form reset after the action.
  const [mode, setMode] = useState<TlsMode>(targets.find((t) => t.configured)?.mode ?? "implicit");
  const host = targets[0]?.host ?? "the SMTP server";

  return (
    <section
      aria-labelledby="connection-test-heading"
      className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 id="connection-test-heading" className="text-lg font-semibold tracking-tight">
        Connection test
      </h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Checks each step from this server to <code>{host}</code>: DNS lookup, TCP connection, TLS
        with certificate verification, and signing in the way your account sends — with its OAuth
        token, or with its app password. An account that sends with the Gmail API is tested against
        the API&apos;s host instead, and its access token and gmail.send permission are checked. No
        email is sent.
      </p>

      <form action={action} className="mt-4 flex flex-wrap items-end gap-6">
        {way === "gmail_api" ? (
          <p className="max-w-md text-sm text-zinc-600 dark:text-zinc-400">
            <input type="hidden" name="mode" value={mode} />
            This account sends with the Gmail API, so the test goes to the API&apos;s host over
            HTTPS; the SMTP port and TLS mode do not apply.
          </p>
        ) : (
          <fieldset>
            <legend className="text-sm font-medium">Port and TLS mode</legend>
            <div className="mt-2 flex flex-wrap gap-3">
              {targets.map((target) => (
                <label
                  key={target.mode}
                  className="flex cursor-pointer items-center gap-2 rounded-lg border border-zinc-300 px-3 py-2 text-sm has-[:checked]:border-blue-600 has-[:checked]:bg-blue-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-blue-600 dark:border-zinc-700 dark:has-[:checked]:border-blue-400 dark:has-[:checked]:bg-blue-950"
                >
                  <input
                    type="radio"
                    name="mode"
                    value={target.mode}
                    checked={mode === target.mode}
                    onChange={() => setMode(target.mode)}
                    className="accent-blue-600"
                  />
                  <span>
                    {target.port} ({MODE_LABELS[target.mode]})
                    {target.configured && (
                      <span className="ml-1 text-xs text-zinc-600 dark:text-zinc-300">
                        · configured
                      </span>
                    )}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-blue-600 px-5 py-2 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60"
        >
          Test connection
        </button>
      </form>

      <div aria-live="polite" aria-busy={pending} className="mt-6" data-testid="diag-results">
        {pending ? (
          <PendingSteps />
        ) : state.error ? (
          <p
            role="alert"
            className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
          >
            {state.error}
          </p>
        ) : state.result ? (
          <ConnectionTestResults result={state.result} />
        ) : null}
      </div>
    </section>
  );
}

function PendingSteps() {
  return (
    <div>
      <p className="text-sm font-medium">Testing…</p>
      <ol className="mt-3 space-y-2">
        {DIAGNOSTIC_STEPS.map((step) => (
          <li
            key={step}
            className="flex items-center gap-3 rounded-lg border border-zinc-200 px-4 py-3 text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
          >
            <span
              aria-hidden="true"
              className="size-4 animate-pulse rounded-full bg-zinc-300 dark:bg-zinc-700"
            />
            {step === "auth" ? "Sign-in" : STEP_LABELS[step]}
          </li>
        ))}
      </ol>
    </div>
  );
}
