import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignInButton } from "./components/sign-in-button";
import { SiteFooter } from "./components/site-footer";
import { currentUser } from "@/lib/auth/session";
import { signInErrorMessage } from "@/lib/auth/sign-in-errors";
import { GMAIL_SEND_SCOPE } from "@/lib/google/scopes";
import { searchParam, type SearchParams } from "@/lib/http/search-params";

const SECONDARY =
  "mt-2 rounded-lg border border-zinc-300 bg-white px-4 py-2 font-medium text-zinc-900 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800";

export const dynamic = "force-dynamic";

export default async function LandingPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const error = searchParam(await searchParams, "error", z.string().max(100));
  const user = await currentUser();
  if (!error && user) redirect("/overview");
  const message = signInErrorMessage(error);

  return (
    <>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center outline-none gap-8 px-6 py-16"
      >
        <div className="space-y-4">
          <p className="text-sm font-semibold tracking-wide text-blue-600 uppercase dark:text-blue-400">
            Mailroom
          </p>
          <h1 className="text-4xl font-bold tracking-tight">
            Your own SMTP server, on top of Gmail.
          </h1>
          <p className="text-lg text-zinc-600 dark:text-zinc-400">
            Send email from the browser, your programs and legacy apps through your Google account —
            with a durable outbox that retries what Gmail defers, a history of every message and
            Gmail&apos;s reply, and a status page that explains what went wrong.
          </p>
        </div>
        {message && (
          <div
            role="alert"
            data-testid="sign-in-error"
            className="rounded-lg border border-red-300 bg-red-50 p-4 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
          >
            {message}
            {user && (
              <p className="mt-2">
                You are still signed in as <strong>{user.email}</strong>.{" "}
                <Link href="/overview" className="font-medium underline">
                  Back to Mailroom
                </Link>
              </p>
            )}
          </div>
        )}
        <div>
          <SignInButton />
          <p className="mt-3 text-sm text-zinc-500 dark:text-zinc-400">
            Mailroom asks for the <code>https://mail.google.com/</code> scope: Gmail requires it for
            sending over SMTP.
          </p>
          <div className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
            <p>
              Rather not grant full Gmail access? Send with the Gmail API instead: Google asks only
              for permission to send email (<code>gmail.send</code>).
            </p>
            <SignInButton
              label="Sign in to send with the Gmail API"
              scope={GMAIL_SEND_SCOPE}
              className={SECONDARY}
            />
          </div>
        </div>
      </main>
      <SiteFooter />
    </>
  );
}
