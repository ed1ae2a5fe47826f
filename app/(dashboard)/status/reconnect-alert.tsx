import { SignInButton } from "../../components/sign-in-button";
import { TimeText } from "./time-text";
import type { InvalidGrantExplanation } from "@/lib/google/explain-invalid-grant";
import { GMAIL_SEND_SCOPE } from "@/lib/google/scopes";
import type { SendWay } from "@/lib/sending/ways/send-ways";

/** The one thing to do when Google stopped accepting Mailroom's tokens for this account. */
export function ReconnectAlert({
  email,
  reason,
  diagnosis,
  since,
  waiting,
  way,
  now,
}: {
  email: string;
  reason: string | null;
  /** The token doctor's likely cause, when Google answered invalid_grant. */
  diagnosis: InvalidGrantExplanation | null;
  since: Date | null;
  waiting: number;
  /** How the account sends: an app password is fixed here, not with Google's consent. */
  way: SendWay;
  now: Date;
}) {
  const appPassword = way === "app_password";
  return (
    <section
      role="alert"
      aria-labelledby="reconnect-heading"
      data-testid="reconnect-alert"
      className="rounded-xl border-2 border-red-300 bg-red-50 p-6 text-red-950 shadow-sm dark:border-red-800 dark:bg-red-950 dark:text-red-50"
    >
      <h2 id="reconnect-heading" className="text-lg font-semibold">
        {appPassword ? "Add a new app password" : "Reconnect your Google account"}
      </h2>
      <p className="mt-2 text-sm">
        {appPassword
          ? "Gmail no longer accepts the app password of "
          : "Google no longer accepts Mailroom’s access to "}
        <strong>{email}</strong>
        {since && (
          <>
            {" "}
            (since <TimeText date={since} now={now} />)
          </>
        )}
        . Google said:
      </p>
      <blockquote className="mt-2 border-l-4 border-red-300 pl-3 font-mono text-sm dark:border-red-700">
        {reason ?? "No reason given."}
      </blockquote>
      {diagnosis ? (
        <div className="mt-3 text-sm" data-testid="token-diagnosis" data-cause={diagnosis.cause}>
          <p>
            <span className="font-semibold">Likely cause: {diagnosis.title}.</span>{" "}
            {diagnosis.explanation}
          </p>
          <p className="mt-2">
            <span className="font-semibold">Fix:</span> {diagnosis.fix}
          </p>
        </div>
      ) : appPassword ? (
        <p className="mt-3 text-sm" data-testid="app-password-diagnosis">
          An app password stops working when it is revoked in the Google account&apos;s security
          settings, when the account&apos;s password changes (that revokes every app password), or
          when 2-Step Verification is turned off. Create a new app password and save it under
          &ldquo;How this account sends&rdquo; below, or choose another way to send.
        </p>
      ) : (
        <p className="mt-3 text-sm">
          This happens when access was revoked in the Google account&apos;s security settings, the
          password changed, the OAuth app is in Testing status (its tokens last 7 days), or the
          token went unused for six months.
        </p>
      )}
      <p className="mt-2 text-sm">
        Sending is paused, and nothing is lost:{" "}
        {waiting === 0
          ? "new messages wait in the outbox"
          : `${waiting.toLocaleString("en-US")} ${waiting === 1 ? "message waits" : "messages wait"} in the outbox`}{" "}
        and go out by themselves{" "}
        {appPassword ? "once Gmail accepts a new app password" : "after you reconnect"}.
      </p>
      <div className="mt-4">
        {appPassword ? (
          <a
            href="#app-password"
            className="inline-flex rounded-lg bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"
          >
            Add a new app password
          </a>
        ) : (
          <SignInButton
            label="Reconnect Google account"
            reconnect={email}
            scope={way === "gmail_api" ? GMAIL_SEND_SCOPE : undefined}
            callbackUrl="/status"
          />
        )}
      </div>
    </section>
  );
}
