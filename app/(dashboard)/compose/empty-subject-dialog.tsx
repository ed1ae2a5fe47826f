"use client";

// Asks before sending a message without a subject. A modal <dialog>, in the page only while it
// asks: the browser keeps the focus inside it and Escape cancels; "Send anyway" has the focus when it opens, and canceling puts the
// focus back in the Subject field.
import { useEffect, useRef } from "react";

const buttonClass =
  "rounded-lg px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";

export function EmptySubjectDialog({
  open,
  onSend,
  onCancel,
}: {
  open: boolean;
  onSend: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const send = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!open || !element || element.open) return;
    element.showModal();
    send.current?.focus();
  }, [open]);

  // Closed first, so the page is no longer inert when the answer moves the focus into it.
  const close = (then: () => void) => {
    dialog.current?.close();
    then();
  };

  // In the page only while it asks: closed, it would still be one more "subject" label.
  if (!open) return null;
  return (
    <dialog
      ref={dialog}
      aria-labelledby="empty-subject-title"
      aria-describedby="empty-subject-text"
      onCancel={(e) => {
        e.preventDefault();
        close(onCancel);
      }}
      className="m-auto w-[min(24rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-6 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id="empty-subject-title" className="text-lg font-semibold">
        Send without a subject?
      </h2>
      <p id="empty-subject-text" className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">
        The message has no subject. Recipients may overlook it.
      </p>
      <div className="mt-5 flex flex-wrap justify-end gap-3">
        <button
          type="button"
          onClick={() => close(onCancel)}
          className={`${buttonClass} border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800`}
        >
          Cancel
        </button>
        <button
          ref={send}
          type="button"
          onClick={() => close(onSend)}
          className={`${buttonClass} bg-blue-600 text-white hover:bg-blue-700`}
        >
          Send anyway
        </button>
      </div>
    </dialog>
  );
}
