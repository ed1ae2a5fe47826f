"use client";

import { useId, useRef, useState } from "react";

/** A titled block of code or text with a button that copies it. */
export function CodeBlock({
  title,
  code,
  testId,
}: {
  title: string;
  code: string;
  testId?: string;
}) {
  const id = useId();
  const pre = useRef<HTMLPreElement>(null);
  const [status, setStatus] = useState("");

  const selectAll = () => {
    const selection = window.getSelection();
    if (pre.current && selection) selection.selectAllChildren(pre.current);
  };

  return (
    <figure className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2 text-sm font-medium dark:border-zinc-800">
        <span id={id}>{title}</span>
        <span className="flex items-center gap-3">
          <span aria-live="polite" className="text-xs font-normal text-zinc-500 dark:text-zinc-400">
            {status}
          </span>
          <button
            type="button"
            aria-label={`Copy ${title}`}
            onClick={() => {
              navigator.clipboard.writeText(code).then(
                () => setStatus("Copied."),
                () => {
                  selectAll();
                  setStatus("Selected: press Ctrl+C (⌘C) to copy.");
                },
              );
            }}
            className="rounded-md border border-zinc-300 px-3 py-1 text-xs font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Copy
          </button>
        </span>
      </figcaption>
      <pre
        ref={pre}
        aria-labelledby={id}
        tabIndex={0}
        data-testid={testId}
        className="overflow-x-auto bg-zinc-50 p-4 font-mono text-xs leading-relaxed text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:bg-zinc-950 dark:text-zinc-100"
      >
        {code}
      </pre>
    </figure>
  );
}
