"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { refreshAddressesAction, type RefreshAddressesState } from "./send-as-actions";
import { LocalTime } from "../../components/local-time";

/** "Refresh addresses" beside compose's From: asks Gmail again for the send-as aliases. */
export function RefreshAddresses({ refreshedAt }: { refreshedAt: string | null }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [state, setState] = useState<RefreshAddressesState>({});
  const shown = state.refreshedAt ?? refreshedAt;
  return (
    <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      <button
        type="button"
        disabled={pending}
        aria-describedby="send-as-refreshed"
        onClick={() =>
          startTransition(async () => {
            const next = await refreshAddressesAction();
            setState(next);
            if (!next.error) router.refresh();
          })
        }
        className="rounded-md border border-zinc-300 px-2 py-1 font-medium text-zinc-800 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:border-zinc-700 dark:text-zinc-100 dark:hover:bg-zinc-800"
      >
        {pending ? "Refreshing…" : "Refresh addresses"}
      </button>
      <span id="send-as-refreshed" aria-live="polite" data-testid="send-as-refreshed">
        {state.error ? (
          <span className="text-red-700 dark:text-red-400">{state.error}</span>
        ) : shown ? (
          <>
            Gmail&apos;s send-as addresses as of <LocalTime iso={shown} />
          </>
        ) : (
          "Gmail's send-as addresses not fetched yet"
        )}
      </span>
    </div>
  );
}
