// "3 of 100 recipients": To, Cc and Bcc together, against Gmail's per-message limit.
import { MAX_RECIPIENTS } from "@/lib/mail/message-limits";

export function RecipientCount({ count }: { count: number }) {
  const over = count > MAX_RECIPIENTS;
  return (
    <p
      aria-live="polite"
      data-testid="recipient-count"
      className={`text-xs ${over ? "font-medium text-red-600 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}
    >
      {count} of {MAX_RECIPIENTS} recipients
      {over && ` — Gmail takes at most ${MAX_RECIPIENTS}; remove ${count - MAX_RECIPIENTS}.`}
    </p>
  );
}
