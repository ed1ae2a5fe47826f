"use client";

// Catches a failure of the root layout itself; it replaces that layout, so it brings its own
// document, title and styles.
import { ErrorNotice } from "./components/error-notice";
import { SkipLink } from "./components/skip-link";
import "./globals.css";

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en" data-theme="system">
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <title>Something went wrong · Mailroom</title>
        <SkipLink />
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center outline-none px-6 py-16"
        >
          <ErrorNotice error={error} retry={retry} />
        </main>
      </body>
    </html>
  );
}
