"use client";

// Catches a failing page (or the dashboard's layout) below the root layout, instead of Next's
// bare crash page.
import { ErrorNotice } from "./components/error-notice";

export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main
      id="main"
      tabIndex={-1}
      className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center outline-none px-6 py-16"
    >
      <ErrorNotice error={error} retry={retry} />
    </main>
  );
}
