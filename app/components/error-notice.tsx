// What a person sees when a page fails: a plain apology, a way to try again and a reference the
// operator can find in the server's log. The error's own message never reaches the page.
import Link from "next/link";

/** The digest Next gives a server error; the same value is printed in the server's log. */
export function errorDigest(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("digest" in error)) return undefined;
  return typeof error.digest === "string" && error.digest !== "" ? error.digest : undefined;
}

export function ErrorNotice({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = errorDigest(error);
  return (
    <div className="space-y-4" data-testid="error-notice">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        Mailroom could not show this page. Messages it has already accepted stay in the outbox. Try
        again; if it keeps happening, tell whoever runs Mailroom
        {digest ? " and give them the reference below." : "."}
      </p>
      {digest && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Reference for the operator:{" "}
          <code
            data-testid="error-digest"
            className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-zinc-900 select-all dark:bg-zinc-800 dark:text-zinc-100"
          >
            {digest}
          </code>
        </p>
      )}
      <div className="flex flex-wrap items-center gap-4">
        <button
          type="button"
          onClick={retry}
          className="rounded-lg bg-blue-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
        >
          Try again
        </button>
        <Link
          href="/"
          className="text-blue-600 underline focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-blue-400"
        >
          Back to Mailroom
        </Link>
      </div>
    </div>
  );
}
