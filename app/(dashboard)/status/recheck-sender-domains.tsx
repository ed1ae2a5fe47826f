"use client";

import { useActionState } from "react";
import { recheckSenderDomainsAction, type RecheckSenderDomainsState } from "./actions";

/** Asks DNS again for the user's domains; the page re-renders with the fresh answers. */
export function RecheckSenderDomains() {
  const [state, action, pending] = useActionState<RecheckSenderDomainsState, FormData>(
    recheckSenderDomainsAction,
    {},
  );
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <button
        type="submit"
        disabled={pending}
        className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-800 dark:hover:bg-zinc-700"
      >
        {pending ? "Checking…" : "Check again"}
      </button>
      <p aria-live="polite" className="text-sm text-zinc-600 dark:text-zinc-400">
        {state.error ? (
          <span role="alert" className="text-red-700 dark:text-red-400">
            {state.error}
          </span>
        ) : state.recheckedAt && !pending ? (
          "Checked again just now."
        ) : null}
      </p>
    </form>
  );
}
