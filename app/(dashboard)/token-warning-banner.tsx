import Link from "next/link";
import { SignInButton } from "../components/sign-in-button";
import { getTokenWarning, type TokenWarning } from "@/lib/diagnostics/token-warning";
import { GMAIL_SEND_SCOPE } from "@/lib/google/scopes";

const BUTTON =
  "rounded-md bg-amber-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-amber-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-600 disabled:opacity-60";

/** A one-line warning above every dashboard page when the Google access ended or soon ends. */
export async function TokenWarningBanner({ userId }: { userId: string }) {
  const now = new Date();
  const warning = await getTokenWarning(userId, now);
  return warning && <TokenWarningNotice warning={warning} now={now} />;
}

export function TokenWarningNotice({ warning, now }: { warning: TokenWarning; now: Date }) {
  const appPassword = warning.kind === "reconnect" && warning.way === "app_password";
  const hours =
    warning.kind === "expiring"
      ? Math.round((warning.expiresAt.getTime() - now.getTime()) / 3_600_000)
      : 0;
  return (
    <div
      role="status"
      data-testid="token-warning"
      className="border-b border-amber-300 bg-amber-50 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-3 gap-y-1 px-6 py-2">
        <span>
          {appPassword ? (
            <>
              Gmail no longer accepts the app password of <strong>{warning.email}</strong>: sending
              is paused and messages wait.
            </>
          ) : warning.kind === "reconnect" ? (
            <>
              <strong>{warning.email}</strong> needs to be reconnected: sending is paused and
              messages wait.
            </>
          ) : warning.state === "past" ? (
            <>
              Google&apos;s 7-day limit for an OAuth app in Testing has ended the access to{" "}
              <strong>{warning.email}</strong>: messages will wait until you reconnect.
            </>
          ) : (
            <>
              The OAuth app is in Testing: Google ends the access to{" "}
              <strong>{warning.email}</strong> in{" "}
              {hours <= 1 ? "less than an hour" : `about ${hours} hours`}.
            </>
          )}{" "}
          <Link href="/status#token-heading" className="underline">
            Details
          </Link>
        </span>
        {appPassword ? (
          <Link href="/status#app-password" className={BUTTON}>
            Add a new app password
          </Link>
        ) : (
          <SignInButton
            label="Reconnect"
            reconnect={warning.email}
            scope={
              warning.kind === "reconnect" && warning.way === "gmail_api"
                ? GMAIL_SEND_SCOPE
                : undefined
            }
            callbackUrl="/status"
            className={BUTTON}
          />
        )}
      </div>
    </div>
  );
}
