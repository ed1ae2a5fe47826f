// The page for an address Mailroom does not have (a missing message has its own, in the history).
import type { Metadata } from "next";
import Link from "next/link";
import { SiteFooter } from "./components/site-footer";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center outline-none gap-6 px-6 py-16"
      >
        <div className="space-y-4">
          <p className="text-sm font-semibold tracking-wide text-blue-600 uppercase dark:text-blue-400">
            Mailroom · 404
          </p>
          <h1 className="text-4xl font-bold tracking-tight">Page not found</h1>
          <p className="text-lg text-zinc-600 dark:text-zinc-400">
            There is nothing at this address. The link may be mistyped, or the page may have moved.
          </p>
        </div>
        <nav aria-label="Where to go" className="flex flex-wrap items-center gap-4">
          <Link
            href="/"
            className="rounded-lg bg-blue-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          >
            Back to Mailroom
          </Link>
          <Link
            href="/history"
            className="text-blue-600 underline focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-blue-400"
          >
            Message history
          </Link>
        </nav>
      </main>
      <SiteFooter />
    </>
  );
}
