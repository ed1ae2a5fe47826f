"use client";

// What happened to the message just sent, with "Undo" while its hold lasts. Announced (a status
// region that is always there, so screen readers hear each change), reachable with Tab (it comes
// before the form), dismissed with its button or Escape. At phone widths it sits in the page's
// flow above the form instead of floating over it.
import Link from "next/link";
import { useEffect, useState } from "react";

export type ToastState =
  | { kind: "sent"; id: string; undoUntil?: number }
  | { kind: "canceled" }
  | { kind: "too-late"; id: string; status: string }
  | { kind: "error"; message: string };

const linkClass = "font-medium underline";
const buttonClass =
  "rounded-md px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

export function UndoToast({
  toast,
  undoing,
  onUndo,
  onDismiss,
}: {
  toast?: ToastState;
  undoing: boolean;
  onUndo: (id: string) => void;
  onDismiss: () => void;
}) {
  const undoUntil = toast?.kind === "sent" ? toast.undoUntil : undefined;
  const [expired, setExpired] = useState<number>();
  useEffect(() => {
    if (undoUntil === undefined) return;
    const timer = setTimeout(() => setExpired(undoUntil), Math.max(0, undoUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [undoUntil]);
  const canUndo = undoUntil !== undefined && expired !== undoUntil;

  return (
    <div role="status" data-testid="compose-toast">
      {toast && (
        <div
          onKeyDown={(e) => {
            if (e.key === "Escape") onDismiss();
          }}
          className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-zinc-300 bg-white p-3 text-sm text-zinc-900 shadow-lg sm:fixed sm:right-4 sm:bottom-4 sm:z-40 sm:mb-0 sm:max-w-sm dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-100"
        >
          <p className="min-w-0 flex-1">{sentence(toast)}</p>
          {toast.kind === "sent" && canUndo && (
            <button
              type="button"
              onClick={() => onUndo(toast.id)}
              disabled={undoing}
              className={`${buttonClass} bg-blue-600 text-white hover:bg-blue-700`}
            >
              {undoing ? "Undoing…" : "Undo"}
            </button>
          )}
          <button
            type="button"
            onClick={onDismiss}
            aria-label="Dismiss"
            className={`${buttonClass} text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-700`}
          >
            ✕
          </button>
        </div>
      )}
    </div>
  );
}

function sentence(toast: ToastState) {
  switch (toast.kind) {
    case "sent":
      return (
        <>
          Message queued.{" "}
          <Link href={`/history/${toast.id}`} className={linkClass}>
            View it in the history
          </Link>
        </>
      );
    case "canceled":
      return "Canceled — back in compose. Nothing was sent.";
    case "too-late":
      return (
        <>
          Too late: already {toast.status}.{" "}
          <Link href={`/history/${toast.id}`} className={linkClass}>
            View it in the history
          </Link>
        </>
      );
    case "error":
      return `Could not undo: ${toast.message}`;
  }
}
