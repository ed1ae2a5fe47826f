import { SignInButton } from "../../components/sign-in-button";
import type { AccountStatus } from "@/lib/diagnostics/account-status";
import { SEND_WAY_INFO, wayHasScope, type SendWay } from "@/lib/sending/ways/send-ways";
import { Card, Fact } from "./card";
import { TimeText } from "./time-text";

const SMALL_BUTTON =
  "mt-2 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-800 dark:hover:bg-zinc-700";

export function TokenCard({
  token,
  way,
  email,
  now,
}: {
  token: AccountStatus["token"];
  way: SendWay;
  email: string;
  now: Date;
}) {
  const needed = SEND_WAY_INFO[way].scopes;
  return (
    <Card id="token" title="Access">
      <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
        <Fact term="Connection">
          {token.reconnectNeeded ? (
            <span className="font-medium text-red-700 dark:text-red-400" data-testid="token-state">
              Reconnect needed
            </span>
          ) : (
            <span
              className="font-medium text-green-700 dark:text-green-400"
              data-testid="token-state"
            >
              Connected
            </span>
          )}
        </Fact>
        <Fact term="Sending scope">
          {needed.length === 0 ? (
            <span className="text-zinc-600 dark:text-zinc-400">
              None needed: this account sends with an app password.
            </span>
          ) : wayHasScope(way, token.scopes.join(" ")) ? (
            <span className="text-green-700 dark:text-green-400" data-testid="sending-scope">
              <span aria-hidden="true">✓ </span>Granted for {SEND_WAY_INFO[way].label}
            </span>
          ) : (
            <span className="text-red-700 dark:text-red-400" data-testid="sending-scope">
              <span aria-hidden="true">✗ </span>Missing — {SEND_WAY_INFO[way].label} needs{" "}
              {needed.map((scope, i) => (
                <span key={scope}>
                  {i > 0 && " or "}
                  <code className="text-xs">{scope}</code>
                </span>
              ))}
              . Grant it under &ldquo;How this account sends&rdquo;.
            </span>
          )}
        </Fact>
        <Fact term="Granted scopes">
          {token.scopes.length === 0 ? (
            <span className="text-zinc-500 dark:text-zinc-400">None recorded</span>
          ) : (
            <ul className="space-y-0.5">
              {token.scopes.map((scope) => (
                <li key={scope}>
                  <code className="text-xs">{scope}</code>
                </li>
              ))}
            </ul>
          )}
        </Fact>
        <Fact term="Access token">
          {token.accessTokenExpiresAt ? (
            <>
              {token.accessTokenExpired ? "Expired " : "Expires "}
              <TimeText date={token.accessTokenExpiresAt} now={now} />
              {token.accessTokenExpired && !token.reconnectNeeded && (
                <span className="block text-zinc-500 dark:text-zinc-400">
                  Renewed automatically before the next send.
                </span>
              )}
            </>
          ) : (
            <span className="text-zinc-500 dark:text-zinc-400">None yet</span>
          )}
        </Fact>
        <Fact term="Last refresh">
          {token.lastRefreshedAt ? (
            <TimeText date={token.lastRefreshedAt} now={now} />
          ) : (
            <span className="text-zinc-500 dark:text-zinc-400">Not refreshed since sign-in</span>
          )}
        </Fact>
        <Fact term="Refresh token">
          {token.hasRefreshToken && token.reconnectNeeded ? (
            // Still stored, but no longer worth anything: say so rather than "stored".
            <span className="text-red-700 dark:text-red-400" data-testid="refresh-token-state">
              Refused by Google
              {token.reconnectSince && (
                <>
                  {" "}
                  <TimeText date={token.reconnectSince} now={now} />
                </>
              )}{" "}
              — it no longer works; reconnect to grant a new one
            </span>
          ) : token.hasRefreshToken ? (
            <span data-testid="refresh-token-state">Stored, encrypted</span>
          ) : (
            <span className="text-red-700 dark:text-red-400">
              Missing — reconnect to grant offline access
            </span>
          )}
        </Fact>
        <Fact term="Consent given">
          {token.consentedAt ? (
            <TimeText date={token.consentedAt} now={now} />
          ) : (
            <span className="text-zinc-500 dark:text-zinc-400">
              Not recorded (before Mailroom kept it); recorded at the next sign-in
            </span>
          )}
        </Fact>
        <Fact term="Token last used">
          {token.refreshTokenUsedAt ? (
            <TimeText date={token.refreshTokenUsedAt} now={now} />
          ) : (
            <span className="text-zinc-500 dark:text-zinc-400">Not since consent</span>
          )}
        </Fact>
        {token.testing.testing && !token.reconnectNeeded && (
          <Fact term="Testing-mode expiry">
            <TestingCountdown token={token} email={email} now={now} />
          </Fact>
        )}
      </dl>
    </Card>
  );
}

/** With an OAuth app in Testing, Google ends the grant 7 days after consent: when, and what to do. */
function TestingCountdown({
  token,
  email,
  now,
}: {
  token: AccountStatus["token"];
  email: string;
  now: Date;
}) {
  const { expiry, testing } = token;
  const why =
    testing.source === "configured" ? (
      <>
        The OAuth app is in Testing (<code className="text-xs">GOOGLE_OAUTH_APP_TESTING=true</code>
        ): Google ends each account&apos;s access 7 days after consent.
      </>
    ) : (
      <>
        Mailroom inferred that the OAuth app is in Testing
        {testing.inferredAt && (
          <>
            {" "}
            (<TimeText date={testing.inferredAt} now={now} />)
          </>
        )}
        : a refresh token stopped working 7 days after consent. Google ends each account&apos;s
        access 7 days after consent.
      </>
    );
  return (
    <div data-testid="testing-expiry" data-state={expiry?.state ?? "unknown"}>
      {!expiry ? (
        <span>Unknown: no consent recorded for this token yet. Reconnect to start the count.</span>
      ) : (
        <span
          className={
            expiry.state === "later"
              ? "font-medium"
              : "font-medium text-amber-700 dark:text-amber-400"
          }
        >
          {expiry.state === "past" ? "Ended " : "Ends "}
          <TimeText date={expiry.expiresAt} now={now} />
        </span>
      )}
      <span className="mt-1 block text-zinc-500 dark:text-zinc-400">
        {why} Publish the app (or make it Internal) to stop this; reconnecting starts another 7
        days. Messages wait in the outbox while the account is disconnected.
      </span>
      {(!expiry || expiry.state !== "later") && (
        <SignInButton
          label="Reconnect now"
          reconnect={email}
          callbackUrl="/status"
          className={SMALL_BUTTON}
        />
      )}
    </div>
  );
}
