import type { Metadata } from "next";
import Link from "next/link";
import { SetupCheckList } from "./setup-check-list";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { runSetupCheck } from "@/lib/setup/run-setup-check";

export const metadata: Metadata = { title: "Setup check" };
export const dynamic = "force-dynamic";

/** A page load waits at most this long for each network check. */
const PAGE_TIMEOUT_MS = 5_000;

// Anyone allowed to sign in may see it: it names variables and shows only values that are not
// secret (the checks never include a secret, a password or a key).
export default async function SetupPage() {
  await requireUser();
  const results = await runSetupCheck({ timeoutMs: PAGE_TIMEOUT_MS, prisma: await db() });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Setup check</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          How this server is set up: its configuration, the Google OAuth client, the path to
          Gmail&apos;s SMTP server, the database and the outbox workers, each checked now. On a
          server without a browser, <code className="font-mono text-xs">npm run doctor</code> runs
          the same checks.
        </p>
      </div>
      <section
        aria-labelledby="setup-checks-heading"
        className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
      >
        <div className="flex flex-wrap items-baseline justify-between gap-3">
          <h2 id="setup-checks-heading" className="text-lg font-semibold tracking-tight">
            Checks
          </h2>
          <Link
            href="/setup"
            prefetch={false}
            className="rounded-md text-sm text-blue-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-blue-400"
          >
            Check again
          </Link>
        </div>
        <div className="mt-4">
          <SetupCheckList results={results} />
        </div>
      </section>
    </div>
  );
}
