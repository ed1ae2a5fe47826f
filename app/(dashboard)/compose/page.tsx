import type { Metadata } from "next";
import { ComposeForm } from "./compose-form";
import { draftKeyOf } from "./draft-key";
import { RefreshAddresses } from "./refresh-addresses";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { isRecordId } from "@/lib/http/record-id";
import { messageParts } from "@/lib/mail/message-parts";
import { getMessage, getMessageMime } from "@/lib/outbox/list-messages";
import { senderChoices, senderLabel } from "@/lib/send-as/sender-choices";

export const metadata: Metadata = { title: "Compose" };
export const dynamic = "force-dynamic";

/** A copy of one of the user's messages ("Send again" on its history page), or undefined. */
async function copyOf(userId: string, id: unknown) {
  if (!isRecordId(id)) return undefined;
  const message = await getMessage(userId, id);
  if (!message) return undefined;
  const mime = await getMessageMime(userId, id);
  const parts = mime ? await messageParts(mime).catch(() => null) : null;
  const list = (v: unknown) =>
    Array.isArray(v) ? v.filter((a): a is string => typeof a === "string").join(", ") : "";
  return {
    subject: message.subject,
    values: {
      to: list(message.to),
      cc: list(message.cc),
      bcc: list(message.bcc),
      subject: message.subject,
      text: parts?.text ?? message.content?.textBody ?? "",
      // The editor opens the HTML when there is one (sanitized again when sent), else the text.
      html: parts?.html ?? "",
    },
    // What compose cannot carry over yet.
    leftOut: [
      ...(parts && parts.attachments.length > 0
        ? [`${parts.attachments.length} attachment${parts.attachments.length > 1 ? "s" : ""}`]
        : []),
    ],
  };
}

export default async function ComposePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const copy = await copyOf(user.id, (await searchParams).copy);
  const prisma = await db();
  const account = await prisma.account.findFirst({
    where: { userId: user.id, provider: "google" },
    select: { email: true, reconnectReason: true },
  });
  const { choices, refreshedAt } = await senderChoices(prisma, user.id);
  // Gmail's default From first: compose starts with it selected.
  const senders = [...choices].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
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
      {copy && (
        <p
          className="rounded-lg border border-blue-200 bg-blue-50 p-4 text-sm text-blue-900 dark:border-blue-900 dark:bg-blue-950 dark:text-blue-100"
          data-testid="copy-note"
        >
          A copy of “{copy.subject || "(no subject)"}”: check it, then send.
          {copy.leftOut.length > 0 && ` Not copied: ${copy.leftOut.join(" and ")}.`}
        </p>
      )}
      {account ? (
        <ComposeForm
          fromAddresses={senders.map((s) => s.address)}
          fromLabels={Object.fromEntries(senders.map((s) => [s.address, senderLabel(s)]))}
          fromAside={<RefreshAddresses refreshedAt={refreshedAt?.toISOString() ?? null} />}
          initial={copy?.values}
          draftKey={draftKeyOf(user.id)}
        />
      ) : (
        <p>Connect a Google account to send email.</p>
      )}
    </div>
  );
}
