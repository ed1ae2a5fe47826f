import type { AccountStatus } from "@/lib/diagnostics/account-status";
import { GMAIL_SCOPE } from "@/lib/google/scopes";
import { Card, Fact } from "./card";
import { TimeText } from "./time-text";

export function TokenCard({ token, now }: { token: AccountStatus["token"]; now: Date }) {
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
        <Fact term="Gmail sending scope">
          {token.hasGmailScope ? (
            <span className="text-green-700 dark:text-green-400">
              <span aria-hidden="true">✓ </span>Granted
            </span>
          ) : (
            <span className="text-red-700 dark:text-red-400">
              <span aria-hidden="true">✗ </span>Missing — Gmail refuses SMTP sign-in without{" "}
              <code className="text-xs">{GMAIL_SCOPE}</code>. Reconnect and allow sending email.
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
          {token.hasRefreshToken ? (
            "Stored, encrypted"
          ) : (
            <span className="text-red-700 dark:text-red-400">
              Missing — reconnect to grant offline access
            </span>
          )}
        </Fact>
      </dl>
    </Card>
  );
}
