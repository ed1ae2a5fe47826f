import Link from "next/link";
import type { MessageParts } from "@/lib/mail/message-parts";

/** Text longer than this many lines shows its start, with the rest folded. */
const FOLD_LINES = 30;

const panel =
  "rounded-xl border border-zinc-200 bg-white p-5 text-sm shadow-sm dark:border-zinc-800 dark:bg-zinc-900";

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The message as it was sent: the HTML body in a sandboxed frame (no scripts; remote images
 * only when asked), the text body (folded when long), the attachments with their sizes, every
 * header, and the raw message to download.
 */
export function MessageBody({
  id,
  parts,
  fallbackText,
  showImages,
}: {
  id: string;
  parts: MessageParts | null;
  /** The text Mailroom kept beside the MIME, for a message whose MIME cannot be read. */
  fallbackText: string;
  showImages: boolean;
}) {
  const text = parts ? (parts.text ?? "") : fallbackText;
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const folded = lines.length > FOLD_LINES + 5;

  return (
    <section aria-labelledby="body-heading" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="body-heading" className="text-lg font-semibold">
          Message
        </h2>
        <a
          href={`/api/messages/${id}/raw`}
          download
          className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
        >
          Download the raw message (.eml)
        </a>
      </div>

      {parts?.html != null && (
        <div className="space-y-2">
          <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
            <h3 className="font-medium">HTML</h3>
            {parts.hasRemoteImages &&
              (showImages ? (
                <Link
                  href={`/history/${id}`}
                  className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                >
                  Hide remote images
                </Link>
              ) : (
                <span className="text-zinc-600 dark:text-zinc-400">
                  Remote images are not loaded.{" "}
                  <Link
                    href={`/history/${id}?images=1`}
                    className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                  >
                    Show remote images
                  </Link>
                </span>
              ))}
          </div>
          {/* No script runs in the frame: an empty sandbox, and its own Content-Security-Policy. */}
          <iframe
            title="The message's HTML body"
            sandbox=""
            src={`/api/messages/${id}/body${showImages ? "?images=1" : ""}`}
            className="h-[28rem] w-full rounded-xl border border-zinc-200 bg-white dark:border-zinc-800"
            data-testid="html-body"
          />
        </div>
      )}

      <div className="space-y-2">
        {parts?.html != null && <h3 className="text-sm font-medium">Plain text</h3>}
        <div className={panel}>
          <pre className="overflow-x-auto whitespace-pre-wrap" data-testid="message-body">
            {folded ? lines.slice(0, FOLD_LINES).join("\n") : text}
          </pre>
          {folded && (
            <details className="mt-2">
              <summary className="cursor-pointer text-blue-700 dark:text-blue-400">
                Show the other {lines.length - FOLD_LINES} lines
              </summary>
              <pre className="overflow-x-auto whitespace-pre-wrap">
                {lines.slice(FOLD_LINES).join("\n")}
              </pre>
            </details>
          )}
        </div>
      </div>

      {parts && parts.attachments.length > 0 && (
        <div className="space-y-2">
          <h3 className="text-sm font-medium">Attachments</h3>
          <ul className={`${panel} divide-y divide-zinc-100 dark:divide-zinc-800`}>
            {parts.attachments.map((a, i) => (
              <li
                key={`${a.filename}-${i}`}
                className="flex flex-wrap justify-between gap-2 py-2 first:pt-0 last:pb-0"
                data-testid="attachment"
              >
                <span className="break-all">{a.filename}</span>
                <span className="text-zinc-500 tabular-nums dark:text-zinc-400">
                  {a.contentType}, {formatSize(a.size)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {parts && (
        <details className={panel}>
          <summary className="cursor-pointer font-medium">
            All headers ({parts.headers.length})
          </summary>
          <dl className="mt-3 space-y-1 font-mono text-xs" data-testid="all-headers">
            {parts.headers.map((h, i) => (
              <div key={`${h.name}-${i}`} className="break-all">
                <dt className="inline font-semibold">{h.name}:</dt>{" "}
                <dd className="inline">{h.value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}
