"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { cancelMessageAction, retryMessageNowAction, type MessageActionState } from "../actions";

const button =
  "rounded-md border px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

export function MessageActions({ id, status }: { id: string; status: string }) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<MessageActionState>({});
  // Canceling asks first: the message will not be sent, and that cannot be undone.
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const act = (action: (id: string) => Promise<MessageActionState>) =>
    startTransition(async () => {
      setConfirming(false);
      setResult(await action(id));
    });

  if (status !== "queued" && status !== "deferred") return null;
  return (
    <div className="ml-auto flex items-center gap-2">
      {result.error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {result.error}
        </p>
      )}
      {status === "deferred" && (
        <button
          type="button"
          disabled={pending}
          onClick={() => act(retryMessageNowAction)}
          className={`${button} border-blue-300 text-blue-700 hover:bg-blue-50 dark:border-blue-800 dark:text-blue-300 dark:hover:bg-blue-950`}
        >
          Retry now
        </button>
      )}
      {confirming ? (
        <div role="group" aria-label="Confirm canceling" className="flex items-center gap-2">
          <span className="text-sm">Cancel this message? It will not be sent.</span>
          <button
            ref={confirmButton}
            type="button"
            disabled={pending}
            onClick={() => act(cancelMessageAction)}
            className={`${button} border-red-300 bg-red-600 text-white hover:bg-red-700 dark:border-red-800`}
          >
            Yes, cancel it
          </button>
          <button
            type="button"
            disabled={pending}
            onClick={() => setConfirming(false)}
            className={`${button} border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800`}
          >
            Keep it
          </button>
        </div>
      ) : (
        <button
          type="button"
          disabled={pending}
          onClick={() => setConfirming(true)}
          className={`${button} border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800`}
        >
          Cancel message
        </button>
      )}
    </div>
  );
}
