import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AutoRefresh } from "../../../components/auto-refresh";
import { LocalTime } from "../../../components/local-time";
import { StatusBadge } from "../../../components/status-badge";
import { requireUser } from "@/lib/auth/session";
import { isRecordId } from "@/lib/http/record-id";
import { addressesWithNames, readDisplayNames, withDisplayName } from "@/lib/outbox/display-names";
import { displayStatus } from "@/lib/outbox/display-status";
import { explainReply } from "@/lib/mail/gmail-replies";
import { messageParts } from "@/lib/mail/message-parts";
import { getMessage, getMessageMime } from "@/lib/outbox/list-messages";
import { waitingReason } from "@/lib/outbox/waiting-reason";
import { WaitingText } from "../../../components/waiting-text";
import { MessageActions } from "./message-actions";
import { MessageBody } from "./message-body";
import { SourceText } from "../../../components/source-text";
import { keyNamesFor } from "@/lib/api-keys/key-names";
import { IN_FLIGHT_STATUSES, type MessageStatus } from "@/lib/outbox/message-status";

export const metadata: Metadata = { title: "Message" };
export const dynamic = "force-dynamic";

export default async function MessagePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const { id } = await params;
  if (!isRecordId(id)) notFound();
  const message = await getMessage(user.id, id);
  if (!message) notFound();
  const showImages = (await searchParams).images === "1";
  const mime = await getMessageMime(user.id, id);
  // A message whose MIME cannot be parsed still shows the text Mailroom kept beside it.
  const parts = mime ? await messageParts(mime).catch(() => null) : null;
  const reason = waitingReason(message, message.account);
  const keyNames = await keyNamesFor(user.id, [message.source]);
  const explanation = explainReply(message.lastSmtpReply ?? undefined);
  const names = readDisplayNames(message.displayNames);
  const list = (v: unknown) => addressesWithNames(v, names);

  return (
    <article className="space-y-6 wrap-break-word">
      <AutoRefresh active={IN_FLIGHT_STATUSES.includes(message.status as MessageStatus)} />
      <Link href="/history" className="text-sm text-blue-600 hover:underline dark:text-blue-400">
        ← History
      </Link>
      {reason && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm dark:border-amber-800 dark:bg-amber-950">
          <WaitingText reason={reason} />
        </p>
      )}
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">
          {message.subject || "(no subject)"}
        </h1>
        <StatusBadge status={displayStatus(message)} />
        <MessageActions id={message.id} status={message.status} />
        {(message.status === "failed" || message.status === "canceled") && (
          <Link
            href={`/compose?copy=${message.id}`}
            className="ml-auto rounded-md border border-blue-300 px-3 py-1 text-sm font-medium text-blue-700 hover:bg-blue-50 dark:border-blue-800 dark:text-blue-300 dark:hover:bg-blue-950"
          >
            Send again
          </Link>
        )}
      </header>

      <section
        aria-labelledby="headers-heading"
        className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
      >
        <h2 id="headers-heading" className="sr-only">
          Headers
        </h2>
        <dl className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-4 sm:grid-cols-[8rem_minmax(0,1fr)] gap-y-2 text-sm">
          <dt className="text-zinc-500 dark:text-zinc-400">From</dt>
          <dd>{withDisplayName(message.fromAddress, names)}</dd>
          <dt className="text-zinc-500 dark:text-zinc-400">To</dt>
          <dd>{list(message.to)}</dd>
          {list(message.cc) && (
            <>
              <dt className="text-zinc-500 dark:text-zinc-400">Cc</dt>
              <dd>{list(message.cc)}</dd>
            </>
          )}
          {list(message.bcc) && (
            <>
              <dt className="text-zinc-500 dark:text-zinc-400">Bcc</dt>
              <dd>{list(message.bcc)}</dd>
            </>
          )}
          <dt className="text-zinc-500 dark:text-zinc-400">Source</dt>
          <dd data-testid="detail-source">
            <SourceText source={message.source} keyNames={keyNames} />
          </dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Message-ID</dt>
          <dd className="font-mono text-xs break-all">{message.messageIdHeader}</dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Queued</dt>
          <dd>
            <LocalTime iso={message.createdAt.toISOString()} />
          </dd>
          {message.sentAt && (
            <>
              <dt className="text-zinc-500 dark:text-zinc-400">Sent</dt>
              <dd>
                <LocalTime iso={message.sentAt.toISOString()} />
              </dd>
            </>
          )}
          <dt className="text-zinc-500 dark:text-zinc-400">Attempts</dt>
          <dd>{message.attempts}</dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Size</dt>
          <dd>{(message.sizeBytes / 1024).toFixed(1)} KB</dd>
          <dt className="text-zinc-500 dark:text-zinc-400">Gmail reply</dt>
          <dd className="font-mono text-xs" data-testid="detail-smtp-reply">
            {message.lastSmtpReply ?? "—"}
          </dd>
        </dl>
        {explanation && message.status !== "sent" && (
          <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            <p className="font-medium">{explanation.title}</p>
            <p>{explanation.meaning}</p>
            <p className="mt-1">
              <strong>What to do:</strong> {explanation.fix}
            </p>
          </div>
        )}
      </section>

      <MessageBody
        id={message.id}
        parts={parts}
        fallbackText={message.content?.textBody ?? ""}
        showImages={showImages}
      />

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-2 text-lg font-semibold">
          Timeline
        </h2>
        <ol
          className="space-y-3 border-l-2 border-zinc-200 pl-5 dark:border-zinc-800"
          data-testid="timeline"
        >
          {message.events.map((e) => (
            <li key={e.id} className="text-sm">
              <p>
                <span className="font-medium">{e.type.replace(/_/g, " ")}</span>{" "}
                <span className="text-zinc-500 dark:text-zinc-400">
                  <LocalTime iso={e.createdAt.toISOString()} />
                </span>
              </p>
              {e.detail && <p className="text-zinc-600 dark:text-zinc-300">{e.detail}</p>}
              {e.smtpReply && (
                <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{e.smtpReply}</p>
              )}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
