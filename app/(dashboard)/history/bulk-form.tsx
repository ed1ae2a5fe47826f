"use client";

import { useActionState, type ReactNode } from "react";
import { bulkMessageAction, type BulkActionState } from "./actions";

const button =
  "rounded-md border px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

/**
 * The history's table inside a form: the rows' checkboxes (name "id") select messages, and the
 * buttons cancel or retry them together.
 */
export function BulkForm({ children }: { children: ReactNode }) {
  const [state, dispatch, pending] = useActionState(
    (previous: BulkActionState, form: FormData) =>
      bulkMessageAction(previous, {
        // Checked on the server (zod); sent as the form holds them.
        op: form.get("op") as "cancel" | "retry",
        ids: form.getAll("id") as string[],
      }),
    {},
  );
  return (
    <form action={dispatch} className="space-y-3" aria-label="Selected messages">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="submit"
          name="op"
          value="cancel"
          disabled={pending}
          className={`${button} border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800`}
        >
          Cancel selected
        </button>
        <button
          type="submit"
          name="op"
          value="retry"
          disabled={pending}
          className={`${button} border-blue-300 text-blue-700 hover:bg-blue-50 dark:border-blue-800 dark:text-blue-300 dark:hover:bg-blue-950`}
        >
          Retry selected now
        </button>
        <p role="status" aria-live="polite" className="text-sm">
          {state.error ? (
            <span className="text-red-600 dark:text-red-400">{state.error}</span>
          ) : (
            <span className="text-zinc-600 dark:text-zinc-400">{state.message}</span>
          )}
        </p>
      </div>
      {children}
    </form>
  );
}
