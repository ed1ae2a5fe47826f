import type { AccountStatus } from "@/lib/diagnostics/account-status";
import type { ConnectionTarget } from "@/lib/diagnostics/connection-targets";
import { Card, Fact } from "./card";

export function AccountCard({
  account,
  dailyLimit,
  smtp,
}: {
  account: AccountStatus["account"];
  dailyLimit: number;
  smtp: ConnectionTarget;
}) {
  return (
    <Card id="account" title="Google account">
      <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
        <Fact term="Sends as">
          <span className="font-medium" data-testid="account-email">
            {account.email}
          </span>
        </Fact>
        <Fact term="Account type">
          {account.kind === "workspace" ? (
            <>
              Google Workspace{" "}
              <span className="text-zinc-500 dark:text-zinc-400">({account.hostedDomain})</span>
            </>
          ) : (
            "Gmail"
          )}
        </Fact>
        <Fact term="Daily limit">
          {dailyLimit.toLocaleString("en-US")}{" "}
          {account.kind === "workspace" ? "messages" : "recipients"} per rolling 24 hours
        </Fact>
        <Fact term="SMTP server">
          <code className="text-xs">
            {smtp.host}:{smtp.port}
          </code>{" "}
          <span className="text-zinc-500 dark:text-zinc-400">
            ({smtp.secure ? "implicit TLS" : "STARTTLS"})
          </span>
        </Fact>
      </dl>
    </Card>
  );
}
