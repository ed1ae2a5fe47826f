"use client";

// To, Cc or Bcc as chips: an address becomes a chip on comma, Enter or leaving the field; a
// pasted list becomes many; each chip is checked as it is made (the server's own rule) and a bad
// one is shown and announced. The list is kept in a hidden input with the field's name, so the
// form posts "Ann <ann@example.com>, bob@example.org" as before.
import { useEffect, useRef, useState } from "react";
import {
  formatMailbox,
  invalidAddressesSentence,
  readAddressEntries,
} from "@/lib/mail/parse-address-list";

interface Chip {
  text: string;
  valid: boolean;
}

function chipsOf(text: string): Chip[] {
  return readAddressEntries(text.replace(/[\r\n;]+/g, ",")).map((entry) =>
    entry.ok
      ? { text: formatMailbox(entry.mailbox), valid: true }
      : { text: entry.shown, valid: false },
  );
}

/** Where the typed text can be cut into chips: the last separator outside quotes and <…>. */
function lastSeparator(text: string): number {
  let quoted = false;
  let angle = false;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") angle = true;
    else if (!quoted && c === ">") angle = false;
    else if (!quoted && !angle && (c === "," || c === ";" || c === "\n")) last = i;
  }
  return last;
}

export function RecipientField({
  name,
  label,
  value,
  error,
  autoFocus,
  onCount,
}: {
  name: string;
  label: string;
  /** The addresses the field starts with, comma-separated. */
  value?: string;
  error?: string;
  autoFocus?: boolean;
  /** How many recipients the field holds now (chips and the address being typed). */
  onCount?: (count: number) => void;
}) {
  const [chips, setChips] = useState<Chip[]>(() => chipsOf(value ?? ""));
  const [pending, setPending] = useState("");
  const [announcement, setAnnouncement] = useState("");
  const hidden = useRef<HTMLInputElement>(null);
  const first = useRef(true);

  // What the form posts: the chips, and what is still being typed (a send without leaving the
  // field sends it too).
  const posted = [...chips.map((c) => c.text), pending.trim()].filter(Boolean).join(", ");
  const count = chips.length + (pending.trim() ? chipsOf(pending).length : 0);

  useEffect(() => onCount?.(count), [count, onCount]);
  // Tell the form this field changed (typing already does; chips made or removed do not).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    hidden.current?.dispatchEvent(new Event("input", { bubbles: true }));
  }, [posted]);

  function add(text: string) {
    const made = chipsOf(text);
    if (made.length === 0) return;
    setChips((current) => [...current, ...made]);
    const bad = made.filter((c) => !c.valid).map((c) => c.text);
    const good = made.filter((c) => c.valid).map((c) => c.text);
    setAnnouncement(
      [
        good.length > 0 ? `Added ${good.join(", ")}.` : "",
        bad.length > 0 ? invalidAddressesSentence(bad) : "",
      ]
        .filter(Boolean)
        .join(" "),
    );
  }

  function remove(index: number) {
    const chip = chips[index];
    if (!chip) return;
    setChips((current) => current.filter((_, i) => i !== index));
    setAnnouncement(`Removed ${chip.text}.`);
  }

  const invalid = chips.filter((c) => !c.valid).map((c) => c.text);
  const invalidSentence = invalid.length > 0 ? invalidAddressesSentence(invalid) : "";
  // The server's error says the same after a send; it is not repeated.
  const showInvalid = invalidSentence !== "" && invalidSentence !== error;
  const describedBy =
    [error ? `${name}-error` : "", showInvalid ? `${name}-invalid` : ""]
      .filter(Boolean)
      .join(" ") || undefined;

  return (
    <div>
      <label htmlFor={name} className="text-sm font-medium">
        {label}
      </label>
      <div
        className={`mt-1 flex flex-wrap items-center gap-1 rounded-md border bg-white px-2 py-1 shadow-sm focus-within:border-blue-500 focus-within:outline-2 focus-within:outline-blue-500 dark:bg-zinc-900 ${
          error || invalid.length > 0 ? "border-red-500" : "border-zinc-300 dark:border-zinc-700"
        }`}
      >
        {chips.length > 0 && (
          <ul aria-label={`${label} recipients`} className="flex min-w-0 flex-wrap gap-1">
            {chips.map((chip, index) => (
              <li
                key={`${index}-${chip.text}`}
                data-testid={`${name}-chip`}
                data-valid={chip.valid}
                className={`flex max-w-full min-w-0 items-center gap-1 rounded-full border py-0.5 pr-1 pl-2 text-sm ${
                  chip.valid
                    ? "border-zinc-300 bg-zinc-100 text-zinc-900 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100"
                    : "border-red-400 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100"
                }`}
              >
                <span className="min-w-0 truncate" title={chip.text}>
                  {chip.text}
                </span>
                {!chip.valid && <span className="sr-only">(not a valid address)</span>}
                <button
                  type="button"
                  aria-label={`Remove ${chip.text}`}
                  onClick={() => remove(index)}
                  className="rounded-full px-1 leading-none hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-blue-600 dark:hover:bg-zinc-700"
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={name}
          type="text"
          autoComplete="email"
          placeholder={
            name === "to" && chips.length === 0
              ? "name@example.com, Another <other@example.org>"
              : undefined
          }
          value={pending}
          autoFocus={autoFocus}
          onChange={(e) => {
            const text = e.target.value;
            const cut = lastSeparator(text);
            // A comma typed, or a list pasted: everything before the last separator is done.
            if (cut >= 0) {
              add(text.slice(0, cut));
              setPending(text.slice(cut + 1).trimStart());
            } else {
              setPending(text);
            }
          }}
          onPaste={(e) => {
            // A one-line field would drop the line breaks of a pasted column of addresses and
            // run them together: a pasted list is made into chips here, breaks and all.
            const text = e.clipboardData.getData("text");
            if (!/[,;\r\n]/.test(text)) return;
            e.preventDefault();
            const all = `${pending}${text}`.replace(/\r\n?/g, "\n");
            const cut = lastSeparator(all);
            add(all.slice(0, cut));
            setPending(all.slice(cut + 1).trim());
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !(e.metaKey || e.ctrlKey)) {
              // Enter makes a chip; it does not send the message.
              e.preventDefault();
              if (pending.trim()) {
                add(pending);
                setPending("");
              }
            } else if (e.key === "Backspace" && pending === "" && chips.length > 0) {
              e.preventDefault();
              remove(chips.length - 1);
            }
          }}
          onBlur={() => {
            if (pending.trim()) {
              add(pending);
              setPending("");
            }
          }}
          aria-invalid={!!error || invalid.length > 0}
          aria-describedby={describedBy}
          className="min-w-[8rem] flex-1 border-0 bg-transparent px-1 py-1 text-sm outline-none"
        />
      </div>
      <input ref={hidden} type="hidden" name={name} value={posted} />
      {showInvalid && (
        <p id={`${name}-invalid`} className="mt-1 text-sm text-red-600 dark:text-red-400">
          {invalidSentence}
        </p>
      )}
      {error && (
        <p id={`${name}-error`} className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
