"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { createApiKeyAction, type CreateKeyState } from "./actions";
import { FieldError, FormErrorSummary, type ErrorField } from "../../../components/form-errors";

const FIELDS: readonly ErrorField[] = [
  { name: "name", label: "Name", target: "key-name" },
  { name: "permission", label: "Permission", target: "permission-send" },
  { name: "allowedFrom", label: "May send from", target: "allowed-from-0" },
];

const inputClass =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-2 focus:outline-blue-500 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900";

export function CreateKeyForm({ addresses }: { addresses: string[] }) {
  const [state, action, pending] = useActionState<CreateKeyState, FormData>(createApiKeyAction, {});
  const errors = state.errors ?? {};
  // After a key is made the form starts empty; after an error it keeps what was chosen.
  const values = state.created ? undefined : state.values;
  const chosen = values?.allowedFrom ?? addresses;

  return (
    <div className="space-y-4">
      {state.created && <NewSecret key={state.created.id} created={state.created} />}
      <form
        key={state.created?.id ?? "draft"}
        action={action}
        noValidate
        aria-labelledby="new-key-heading"
        className="space-y-4 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
      >
        <h2 id="new-key-heading" className="text-lg font-semibold">
          New key
        </h2>
        <FormErrorSummary
          title="The key was not created"
          errors={errors}
          fields={FIELDS}
          attempt={state}
        />
        <div>
          <label htmlFor="key-name" className="text-sm font-medium">
            Name
          </label>
          <input
            id="key-name"
            name="name"
            maxLength={100}
            placeholder="e.g. Billing app"
            defaultValue={values?.name}
            aria-invalid={!!errors.name}
            aria-describedby={errors.name ? "key-name-error" : undefined}
            className={`${inputClass} max-w-md`}
          />
          <FieldError id="key-name-error" error={errors.name} />
        </div>
        <fieldset aria-describedby={errors.permission ? "permission-error" : undefined}>
          <legend className="text-sm font-medium">Permission</legend>
          <div className="mt-1 space-y-1 text-sm">
            <label className="flex items-center gap-2">
              <input
                id="permission-send"
                type="radio"
                name="permission"
                value="send"
                defaultChecked={(values?.permission ?? "send") === "send"}
              />
              Send — send messages only
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="permission"
                value="send_read"
                defaultChecked={values?.permission === "send_read"}
              />
              Send and read — also read, list and cancel your messages
            </label>
          </div>
          <FieldError id="permission-error" error={errors.permission} />
        </fieldset>
        <fieldset aria-describedby={errors.allowedFrom ? "allowedFrom-error" : undefined}>
          <legend className="text-sm font-medium">May send from</legend>
          <div className="mt-1 space-y-1 text-sm">
            {addresses.map((address, i) => (
              <label key={address} className="flex items-center gap-2">
                <input
                  id={`allowed-from-${i}`}
                  type="checkbox"
                  name="allowedFrom"
                  value={address}
                  defaultChecked={chosen.includes(address)}
                />
                {address}
              </label>
            ))}
          </div>
          <FieldError id="allowedFrom-error" error={errors.allowedFrom} />
        </fieldset>
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-blue-600 px-5 py-2 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60"
        >
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
    </div>
  );
}

/** The secret, shown once: selected and focused, with a copy button. */
function NewSecret({ created }: { created: NonNullable<CreateKeyState["created"]> }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string>();
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);

  return (
    <section
      aria-labelledby="new-secret-heading"
      className="space-y-3 rounded-xl border border-green-300 bg-green-50 p-5 text-green-950 dark:border-green-800 dark:bg-green-950 dark:text-green-50"
    >
      <h2 id="new-secret-heading" className="font-semibold">
        Key “{created.name}” created
      </h2>
      <p role="status" className="text-sm">
        Copy it now: Mailroom keeps only a hash and cannot show it again.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1">
          <label htmlFor="new-secret" className="text-sm font-medium">
            Your new API key
          </label>
          <input
            id="new-secret"
            ref={field}
            readOnly
            value={created.secret}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
            className={`${inputClass} font-mono text-zinc-900 dark:text-zinc-100`}
            data-testid="new-api-key"
          />
        </div>
        <button
          type="button"
          onClick={() => {
            navigator.clipboard.writeText(created.secret).then(
              () => setCopied("Copied to the clipboard."),
              () => {
                field.current?.select();
                setCopied("Could not copy: press Ctrl+C (⌘C) to copy the selected key.");
              },
            );
          }}
          className="rounded-lg border border-green-700 bg-white px-4 py-2 text-sm font-medium text-green-900 hover:bg-green-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-green-600 dark:bg-green-900 dark:text-green-50 dark:hover:bg-green-800"
        >
          Copy
        </button>
      </div>
      <p aria-live="polite" className="min-h-5 text-sm">
        {copied}
      </p>
    </section>
  );
}
