"use client";

import { useActionState, useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { sendMessageAction, type ComposeState } from "./actions";
import { AttachmentPicker } from "./attachment-picker";
import { BodyEditor } from "./body-editor";
import { RecipientCount } from "./recipient-count";
import { RecipientField } from "./recipient-field";
import { FieldError, FormErrorSummary, type ErrorField } from "../../components/form-errors";
import { formatMegabytes, MAX_MESSAGE_BYTES } from "@/lib/mail/message-limits";
import { useComposeFlow } from "./use-compose-flow";

const FIELDS: readonly ErrorField[] = [
  { name: "from", label: "From", target: "from" },
  { name: "to", label: "To", target: "to" },
  { name: "cc", label: "Cc", target: "cc" },
  { name: "bcc", label: "Bcc", target: "bcc" },
  { name: "replyTo", label: "Reply-To", target: "replyTo" },
  { name: "subject", label: "Subject", target: "subject" },
  // The editor (id "text") carries both: `html` from the form, `text` from a client without it.
  { name: "html", label: "Message", target: "text" },
  { name: "text", label: "Message", target: "text" },
  { name: "attachments", label: "Attachments", target: "attachments" },
  { name: "scheduledAt", label: "Send later", target: "sendAt" },
];

const inputClass =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-2 focus:outline-blue-500 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900";

export function ComposeForm({
  fromAddresses,
  fromLabels,
  fromAside,
  initial,
  draftKey,
}: {
  /** The addresses to send from, the default first. */
  fromAddresses: string[];
  /** Whose drafts these are (draft-key.ts): drafts are kept in the browser per user. */
  draftKey?: string;
  /** How each address reads in the list ("Ann Example <ann@example.com>"). */
  fromLabels?: Record<string, string>;
  /** Shown under the From list (the "Refresh addresses" control). */
  fromAside?: ReactNode;
  /** What the form starts with (a copy of an earlier message: "Send again"). */
  initial?: Record<string, string>;
}) {
  const [state, action, pending] = useActionState<ComposeState, FormData>(sendMessageAction, {});
  const formRef = useRef<HTMLFormElement>(null);
  // Set in the browser before posting: a message over the limit is refused without uploading it.
  const [tooLarge, setTooLarge] = useState<{ error: string }>();
  const errors: Record<string, string> = {
    ...state.errors,
    ...(tooLarge && { text: tooLarge.error }),
  };
  // After a successful send the form starts empty; after an error it keeps what was typed.
  // Drafts, leaving unsent, the empty-subject question, Undo: use-compose-flow.tsx.
  const flow = useComposeFlow({ formRef, draftKey, initial, state, sent: state.ok });
  const values = flow.values ?? (state.ok ? {} : (state.values ?? initial ?? {}));
  const formKey = `${state.ok?.id ?? "draft"}:${flow.generation}`;
  // Recipients per field, counted together against Gmail's 100.
  const [counts, setCounts] = useState<Record<string, number>>({});
  const countOf = useCallback(
    (field: string) => (n: number) => setCounts((c) => (c[field] === n ? c : { ...c, [field]: n })),
    [],
  );
  const onCount = useMemo(
    () => ({ to: countOf("to"), cc: countOf("cc"), bcc: countOf("bcc") }),
    [countOf],
  );

  return (
    <form
      key={formKey}
      ref={formRef}
      action={action}
      noValidate
      onSubmit={(e) => {
        const html = new FormData(e.currentTarget).get("html");
        const bytes = typeof html === "string" ? new Blob([html]).size : 0;
        const error =
          bytes > MAX_MESSAGE_BYTES
            ? `The message is ${formatMegabytes(bytes)}; Gmail takes at most ${formatMegabytes(MAX_MESSAGE_BYTES)}.`
            : undefined;
        // A fresh object each time: the error summary takes the focus again on every refusal.
        setTooLarge(error ? { error } : undefined);
        if (error) e.preventDefault();
        else flow.onSubmit(e);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
          e.preventDefault();
          formRef.current?.requestSubmit();
        }
      }}
      className="space-y-4 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      {/* The toast (first in the Tab order), the dialogs, the address suggestions. */}
      <div className="contents">{flow.parts}</div>
      {flow.notice}
      <FormErrorSummary
        title="The message was not sent"
        errors={errors}
        fields={FIELDS}
        attempt={tooLarge ?? state}
      />
      <div>
        <label htmlFor="from" className="text-sm font-medium">
          From
        </label>
        <select
          id="from"
          name="from"
          defaultValue={values.from ?? fromAddresses[0]}
          className={inputClass}
        >
          {fromAddresses.map((a) => (
            <option key={a} value={a}>
              {fromLabels?.[a] ?? a}
            </option>
          ))}
        </select>
        {fromAside}
        <FieldError id="from-error" error={errors.from} />
      </div>
      <RecipientField
        name="to"
        label="To"
        error={errors.to}
        value={values.to}
        autoFocus
        onCount={onCount.to}
      />
      <RecipientField
        name="cc"
        label="Cc"
        error={errors.cc}
        value={values.cc}
        onCount={onCount.cc}
      />
      <RecipientField
        name="bcc"
        label="Bcc"
        error={errors.bcc}
        value={values.bcc}
        onCount={onCount.bcc}
      />
      <RecipientCount count={(counts.to ?? 0) + (counts.cc ?? 0) + (counts.bcc ?? 0)} />
      <TextField
        name="replyTo"
        label="Reply-To"
        hint="optional; where replies go, when not to the sender"
        autoComplete="email"
        value={values.replyTo}
        error={errors.replyTo}
      />
      <TextField name="subject" label="Subject" value={values.subject} error={errors.subject} />
      <BodyEditor
        initialHtml={values.html}
        initialText={values.text}
        error={errors.html ?? errors.text}
      />
      <AttachmentPicker error={errors.attachments} />
      <SendLater error={errors.scheduledAt} />
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-blue-600 px-5 py-2 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60"
        >
          {pending ? "Sending…" : "Send"}
        </button>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">Ctrl/⌘ + Enter</span>
      </div>
    </form>
  );
}

/** A one-line field with its label, an optional hint and its error tied to it. */
function TextField(props: {
  name: string;
  label: string;
  hint?: string;
  autoComplete?: string;
  value?: string;
  error?: string;
}) {
  const errorId = `${props.name}-error`;
  return (
    <div>
      <label htmlFor={props.name} className="text-sm font-medium">
        {props.label}
        {props.hint && (
          <span className="font-normal text-zinc-500 dark:text-zinc-400"> ({props.hint})</span>
        )}
      </label>
      <input
        id={props.name}
        name={props.name}
        type="text"
        autoComplete={props.autoComplete}
        defaultValue={props.value}
        aria-invalid={!!props.error}
        aria-describedby={props.error ? errorId : undefined}
        className={inputClass}
      />
      <FieldError id={errorId} error={props.error} />
    </div>
  );
}

function SendLater({ error }: { error?: string }) {
  const [local, setLocal] = useState("");
  // The browser reads datetime-local in the person's own timezone; the server gets an instant.
  const instant = local ? new Date(local).toISOString() : "";
  return (
    <div>
      <label htmlFor="sendAt" className="text-sm font-medium">
        Send later{" "}
        <span className="font-normal text-zinc-500 dark:text-zinc-400">
          (optional, your local time)
        </span>
      </label>
      <input
        id="sendAt"
        type="datetime-local"
        value={local}
        onChange={(e) => setLocal(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={error ? "scheduledAt-error" : undefined}
        className={`${inputClass} max-w-xs`}
      />
      <input type="hidden" name="scheduledAt" value={instant} />
      <FieldError id="scheduledAt-error" error={error} />
    </div>
  );
}
