"use client";

// How a form says it was refused: a summary at its top that is announced (role="alert") and
// takes the focus after every failed submit, listing each problem as a link to its field; and
// the field's own message, tied to it by aria-describedby.
import { useEffect, useRef } from "react";

export interface ErrorField {
  /** The key of the error in the form's errors. */
  name: string;
  label: string;
  /** The id of the control the link focuses. */
  target: string;
}

export function FormErrorSummary({
  title,
  errors,
  fields,
  attempt,
}: {
  title: string;
  errors: Partial<Record<string, string>>;
  fields: readonly ErrorField[];
  /** Changes with every failed submit, so the focus comes back here each time. */
  attempt: unknown;
}) {
  const summary = useRef<HTMLDivElement>(null);
  const listed = fields.filter((field) => errors[field.name]);
  const shown = Boolean(errors.form) || listed.length > 0;
  useEffect(() => {
    if (shown) summary.current?.focus();
  }, [attempt, shown]);
  if (!shown) return null;

  return (
    <div
      ref={summary}
      role="alert"
      tabIndex={-1}
      data-testid="form-errors"
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 focus:outline-2 focus:outline-offset-2 focus:outline-red-600 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-medium">{title}</p>
      {errors.form && <p className="mt-1">{errors.form}</p>}
      {listed.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {listed.map((field) => (
            <li key={field.name}>
              <a href={`#${field.target}`} className="underline">
                {field.label}: {errors[field.name]}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-600 dark:text-red-400">
      {error}
    </p>
  );
}
