import type { Metadata } from "next";
import { Suspense } from "react";
import { SignInButton } from "../../components/sign-in-button";
import { AccountCard } from "./account-card";
import { ConnectionTest } from "./connection-test";
import { GmailRepliesReference } from "./gmail-replies-reference";
import { ReconnectAlert } from "./reconnect-alert";
import { SendWayCard } from "./send-way-card";
import { SenderDomainCard, SenderDomainCardPending } from "./sender-domain-card";
import { TokenCard } from "./token-card";
import { UsageCard } from "./usage-card";
import { requireUser } from "@/lib/auth/session";
import { getAccountStatus } from "@/lib/diagnostics/account-status";
import { connectionTargets } from "@/lib/diagnostics/connection-targets";

export const metadata: Metadata = { title: "Status" };
export const dynamic = "force-dynamic";

export default async function StatusPage() {
  const user = await requireUser();
  const status = await getAccountStatus(user.id);
  const targets = connectionTargets();
  const configured = targets.find((t) => t.configured) ?? targets[0];
  const now = new Date();

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Status</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Your Google account&apos;s connection, today&apos;s sending, your sender domain&apos;s DNS
          records, and a step-by-step test of the path to Gmail.
        </p>
      </div>

      {status ? (
        <>
          {status.token.reconnectNeeded && (
            <ReconnectAlert
              email={status.account.email}
              reason={status.token.reconnectReason}
              diagnosis={status.token.diagnosis}
              since={status.token.reconnectSince}
              waiting={status.waiting}
              way={status.sending.way}
              now={now}
            />
          )}
          <div className="grid gap-6 lg:grid-cols-2">
            {configured && (
              <AccountCard
                account={status.account}
                dailyLimit={status.usage.dailyLimit}
                smtp={configured}
              />
            )}
            <TokenCard
              token={status.token}
              way={status.sending.way}
              email={status.account.email}
              now={now}
            />
          </div>
          <SendWayCard sending={status.sending} email={status.account.email} now={now} />
          <UsageCard
            usage={status.usage}
            counts={status.counts}
            kind={status.account.kind}
            now={now}
          />
          <Suspense fallback={<SenderDomainCardPending />}>
            <SenderDomainCard userId={user.id} />
          </Suspense>
          <ConnectionTest targets={targets} way={status.sending.way} />
        </>
      ) : (
        <section
          aria-labelledby="no-account-heading"
          className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          <h2 id="no-account-heading" className="text-lg font-semibold">
            No Google account connected
          </h2>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            Connect a Google account and allow Mailroom to send email to see its status here.
          </p>
          <div className="mt-4">
            <SignInButton label="Connect Google account" />
          </div>
        </section>
      )}

      <GmailRepliesReference />
    </div>
  );
}
