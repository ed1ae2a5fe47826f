"use client";

import { useActionState, useEffect, useRef } from "react";
import { removeAppPasswordAction, saveAppPasswordAction, type SendWayState } from "./actions";

const BUTTON =
  "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-800 dark:hover:bg-zinc-700";

/** Adds or replaces the app password (checked with Gmail first), or removes it. */
export function AppPasswordForm({ stored, inUse }: { stored: boolean; inUse: boolean }) {
  const [state, save, saving] = useActionState<SendWayState, FormData>(saveAppPasswordAction, {});
  const [removed, remove, removing] = useActionState<SendWayState, FormData>(
    removeAppPasswordAction,
    {},
  );
  const field = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.error) field.current?.focus();
    // The password never stays in the page once Gmail accepted it.
    else if (state.saved) form.current?.reset();
  }, [state]);
  const fieldError = state.fields?.appPassword ?? state.error;

  return (
    <div className="mt-3 space-y-3">
      <form ref={form} action={save} className="space-y-2" data-testid="app-password-form">
        <label htmlFor="app-password" className="block text-sm font-medium">
          {stored ? "Replace the app password" : "App password"}
        </label>
        <div className="flex flex-wrap items-start gap-2">
          <input
            ref={field}
            id="app-password"
            name="appPassword"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            maxLength={100}
            placeholder="abcd efgh ijkl mnop"
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? "app-password-error" : "app-password-hint"}
            className="w-64 max-w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950"
          />
          <button type="submit" disabled={saving} className={BUTTON}>
            {saving ? "Checking with Gmail…" : "Check and save"}
          </button>
        </div>
        <p id="app-password-hint" className="text-xs text-zinc-500 dark:text-zinc-400">
          16 letters; spaces are ignored.
        </p>
        <p aria-live="polite" className="text-sm">
          {fieldError ? (
            <span
              id="app-password-error"
              role="alert"
              className="text-red-700 dark:text-red-400"
              data-testid="app-password-error"
            >
              {state.error}
            </span>
          ) : state.saved && !saving ? (
            <span className="text-green-700 dark:text-green-400" data-testid="app-password-saved">
              {state.saved}
            </span>
          ) : null}
        </p>
      </form>
      {stored && (
        <form action={remove} className="flex flex-wrap items-center gap-3">
          <button
            type="submit"
            disabled={removing || inUse}
            className={BUTTON}
            aria-describedby={inUse ? "remove-app-password-why" : undefined}
          >
            {removing ? "Removing…" : "Remove app password"}
          </button>
          {inUse && (
            <span id="remove-app-password-why" className="text-xs text-zinc-500 dark:text-zinc-400">
              In use: choose another way first.
            </span>
          )}
          <span aria-live="polite" className="text-sm">
            {removed.error ? (
              <span role="alert" className="text-red-700 dark:text-red-400">
                {removed.error}
              </span>
            ) : null}
          </span>
        </form>
      )}
    </div>
  );
}
