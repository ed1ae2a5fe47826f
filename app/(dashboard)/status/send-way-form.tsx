"use client";

import { useActionState, useEffect, useRef, type ReactNode } from "react";
import type { SendWay } from "@/lib/sending/ways/send-ways";
import { chooseSendWayAction, type SendWayState } from "./actions";

export interface WayChoice {
  way: SendWay;
  label: string;
  summary: string;
  ready: boolean;
  /** What the way still needs: Google's permission (a scope) or an app password. */
  need?: "scope" | "password";
}

const BUTTON =
  "rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60";

/** A radio per way; a way that needs Google's permission offers to ask for it. */
export function SendWayForm({
  current,
  choices,
  grants,
}: {
  current: SendWay;
  choices: WayChoice[];
  /** The button that asks Google for each OAuth way's scope. */
  grants: Partial<Record<SendWay, ReactNode>>;
}) {
  const [state, action, pending] = useActionState<SendWayState, FormData>(chooseSendWayAction, {});
  const error = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.error) error.current?.focus();
  }, [state.error, state.attempt]);

  return (
    <form action={action} data-testid="send-way-form">
      <fieldset>
        <legend className="text-sm text-zinc-600 dark:text-zinc-400">
          Choose how Mailroom hands this account&apos;s messages to Gmail. Messages waiting in the
          outbox go out the new way.
        </legend>
        <div className="mt-3 space-y-3">
          {choices.map((choice) => {
            const id = `send-way-${choice.way}`;
            return (
              <div
                key={choice.way}
                className="rounded-lg border border-zinc-200 p-3 has-[:checked]:border-blue-500 has-[:checked]:bg-blue-50/50 dark:border-zinc-700 dark:has-[:checked]:border-blue-400 dark:has-[:checked]:bg-blue-950/30"
              >
                <div className="flex items-start gap-3">
                  <input
                    type="radio"
                    id={id}
                    name="way"
                    value={choice.way}
                    defaultChecked={choice.way === current}
                    aria-describedby={`${id}-summary ${id}-state`}
                    className="mt-1 size-4 accent-blue-600"
                  />
                  <div className="min-w-0 text-sm">
                    <label htmlFor={id} className="font-medium">
                      {choice.label}
                      {choice.way === current && (
                        <span className="ml-2 rounded bg-blue-100 px-1.5 py-0.5 text-xs font-medium text-blue-800 dark:bg-blue-900 dark:text-blue-100">
                          In use
                        </span>
                      )}
                    </label>
                    <p id={`${id}-summary`} className="mt-0.5 text-zinc-600 dark:text-zinc-400">
                      {choice.summary}
                    </p>
                    <p
                      id={`${id}-state`}
                      data-testid={`${id}-state`}
                      className={
                        choice.ready
                          ? "mt-1 text-green-700 dark:text-green-400"
                          : "mt-1 text-amber-700 dark:text-amber-400"
                      }
                    >
                      {choice.ready
                        ? "✓ Ready"
                        : choice.need === "scope"
                          ? "Needs Google's permission first."
                          : "Needs an app password (below)."}
                    </p>
                    {choice.need === "scope" && grants[choice.way]}
                  </div>
                </div>
              </div>
            );
          })}
        </div>
      </fieldset>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={BUTTON}>
          {pending ? "Saving…" : "Use this way"}
        </button>
        <p aria-live="polite" className="text-sm">
          {state.error ? (
            <span
              ref={error}
              tabIndex={-1}
              role="alert"
              className="text-red-700 outline-none dark:text-red-400"
              data-testid="send-way-error"
            >
              {state.error}
            </span>
          ) : state.saved && !pending ? (
            <span className="text-green-700 dark:text-green-400">{state.saved}</span>
          ) : null}
        </p>
      </div>
    </form>
  );
}
