import { SignInButton } from "../../components/sign-in-button";
import { TimeText } from "./time-text";
import type { InvalidGrantExplanation } from "@/lib/google/explain-invalid-grant";

/** The one thing to do when Google stopped accepting Mailroom's tokens for this account. */
export function ReconnectAlert({
  email,
  reason,
  diagnosis,
  since,
  waiting,
  now,
}: {
  email: string;
  reason: string | null;
  /** The token doctor's likely cause, when Google answered invalid_grant. */
  diagnosis: InvalidGrantExplanation | null;
  since: Date | null;
  waiting: number;
  now: Date;
}) {
  return (
    <section
      role="alert"
      aria-labelledby="reconnect-heading"
      data-testid="reconnect-alert"
      className="rounded-xl border-2 border-red-300 bg-red-50 p-6 text-red-950 shadow-sm dark:border-red-800 dark:bg-red-950 dark:text-red-50"
    >
      <h2 id="reconnect-heading" className="text-lg font-semibold">
        Reconnect your Google account
      </h2>
      <p className="mt-2 text-sm">
        Google no longer accepts Mailroom&apos;s access to <strong>{email}</strong>
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
        and go out by themselves after you reconnect.
      </p>
      <div className="mt-4">
        <SignInButton label="Reconnect Google account" reconnect={email} callbackUrl="/status" />
      </div>
    </section>
  );
}
