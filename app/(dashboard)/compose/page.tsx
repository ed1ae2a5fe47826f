import type { Metadata } from "next";
import { ComposeForm } from "./compose-form";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Compose" };
export const dynamic = "force-dynamic";

export default async function ComposePage() {
  const user = await requireUser();
  const prisma = await db();
  const account = await prisma.account.findFirst({
    where: { userId: user.id, provider: "google" },
    select: { email: true, reconnectReason: true },
  });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Compose</h1>
      {account?.reconnectReason && (
        <div
          role="status"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          The Google account needs to be reconnected. Messages you send now wait in the outbox and
          go out after you reconnect on the{" "}
          <a className="underline" href="/status">
            status page
          </a>
          .
        </div>
      )}
      {account ? (
        <ComposeForm fromAddresses={[account.email]} />
      ) : (
        <p>Connect a Google account to send email.</p>
      )}
    </div>
  );
}
