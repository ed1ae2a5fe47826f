import { SignInButton } from "../../components/sign-in-button";
import type { AccountStatus } from "@/lib/diagnostics/account-status";
import { GMAIL_SCOPE, GMAIL_SEND_SCOPE } from "@/lib/google/scopes";
import { AppPasswordForm } from "./app-password-form";
import { Card } from "./card";
import { SendWayForm, type WayChoice } from "./send-way-form";
import { TimeText } from "./time-text";

const SMALL_BUTTON =
  "mt-2 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-800 dark:hover:bg-zinc-700";

/** The three ways this account can send, which one it uses, and what each still needs. */
export function SendWayCard({
  sending,
  email,
  now,
}: {
  sending: AccountStatus["sending"];
  email: string;
  now: Date;
}) {
  const choices: WayChoice[] = sending.ways.map(({ info, scopeGranted, ready }) => ({
    way: info.way,
    label: info.label,
    summary: info.summary,
    ready,
    need: ready ? undefined : !scopeGranted ? "scope" : "password",
  }));
  return (
    <Card id="send-way" title="How this account sends">
      <SendWayForm
        current={sending.way}
        choices={choices}
        grants={{
          gmail_api: (
            <SignInButton
              label="Grant gmail.send"
              reconnect={email}
              scope={GMAIL_SEND_SCOPE}
              callbackUrl="/status"
              className={SMALL_BUTTON}
            />
          ),
          smtp_oauth: (
            <SignInButton
              label="Grant full Gmail access"
              reconnect={email}
              scope={GMAIL_SCOPE}
              callbackUrl="/status"
              className={SMALL_BUTTON}
            />
          ),
        }}
      />
      <div className="mt-6 border-t border-zinc-100 pt-4 dark:border-zinc-800">
        <h3 className="text-base font-semibold" id="app-password-heading">
          App password
        </h3>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {sending.appPasswordAddedAt ? (
            <>
              An app password is stored, encrypted, since{" "}
              <TimeText date={sending.appPasswordAddedAt} now={now} />. It is never shown again.
            </>
          ) : (
            <>
              None stored. Create one in your Google Account under Security → 2-Step Verification →
              App passwords (it needs 2-Step Verification on), then paste its 16 letters here.
              Mailroom checks it with Gmail before keeping it, encrypted.
            </>
          )}
        </p>
        <AppPasswordForm
          stored={sending.appPasswordAddedAt !== null}
          inUse={sending.way === "app_password"}
        />
      </div>
    </Card>
  );
}
