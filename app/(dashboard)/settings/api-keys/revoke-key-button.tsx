"use client";

import { useState, useTransition } from "react";
import { revokeApiKeyAction, type RevokeKeyState } from "./actions";

const button =
  "rounded-md border px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

/** Revoke, then a confirmation in place (focus moves to it; Keep brings it back). */
export function RevokeKeyButton({ id, name }: { id: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  // Set once the person chose Keep: focus goes back to the Revoke button they came from.
  const [kept, setKept] = useState(false);
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<RevokeKeyState>({});

  if (!confirming) {
    return (
      <button
        type="button"
        autoFocus={kept}
        onClick={() => setConfirming(true)}
        aria-label={`Revoke ${name}`}
        className={`${button} border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950`}
      >
        Revoke
      </button>
    );
  }
  return (
    <div role="group" aria-label={`Revoke ${name}?`} className="flex flex-wrap items-center gap-2">
      <span className="text-sm">Programs using it stop at once.</span>
      <button
        type="button"
        autoFocus
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setResult(await revokeApiKeyAction(id));
          })
        }
        className={`${button} border-red-600 bg-red-600 text-white hover:bg-red-700`}
      >
        {pending ? "Revoking…" : "Revoke key"}
      </button>
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          setKept(true);
          setConfirming(false);
        }}
        className={`${button} border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800`}
      >
        Keep
      </button>
      {result.error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {result.error}
        </p>
      )}
    </div>
  );
}
