import { GMAIL_API_ERRORS } from "@/lib/mail/gmail-api-errors";
import { GMAIL_REPLIES, type ReplyExplanation } from "@/lib/mail/gmail-replies";
import { Card } from "./card";

const KIND_LABELS = {
  temporary: "Temporary — retried",
  auth: "Sign-in",
  quota: "Daily limit — waits",
  permanent: "Permanent",
  configuration: "Configuration",
} as const;

/** Every Gmail reply and Gmail API error Mailroom knows, in plain words; failures link to their row. */
export function GmailRepliesReference() {
  return (
    <Card id="replies" title="Gmail replies explained">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        What Gmail&apos;s SMTP replies mean and what to do about them. The code is the enhanced
        status code in the reply (for example <code>535-5.7.8</code>).
      </p>
      <RepliesTable label="Gmail replies" heading="Reply" replies={GMAIL_REPLIES} />
      <h3 className="mt-6 text-base font-semibold">Gmail API errors</h3>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        For accounts that send with the Gmail API: Google&apos;s reason in the error (recorded as{" "}
        <code>Gmail API 403 insufficientPermissions: …</code>) and its HTTP status.
      </p>
      <RepliesTable label="Gmail API errors" heading="Error" replies={GMAIL_API_ERRORS} />
    </Card>
  );
}

function RepliesTable({
  label,
  heading,
  replies,
}: {
  label: string;
  heading: string;
  replies: readonly ReplyExplanation[];
}) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className="mt-4 overflow-x-auto focus-visible:outline-2 focus-visible:outline-blue-600"
    >
      <table className="w-full border-collapse text-left text-sm">
        <thead>
          <tr className="border-b border-zinc-200 text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            <th scope="col" className="py-2 pr-4 font-medium">
              {heading}
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              Meaning
            </th>
            <th scope="col" className="py-2 font-medium">
              What to do
            </th>
          </tr>
        </thead>
        <tbody>
          {replies.map((reply) => (
            <tr
              key={reply.id}
              id={`reply-${reply.id.replace(":", "-")}`}
              className="scroll-mt-6 border-b border-zinc-100 align-top target:bg-blue-50 last:border-0 dark:border-zinc-800 dark:target:bg-blue-950"
            >
              <th scope="row" className="py-3 pr-4 font-normal">
                <code className="font-semibold">{reply.id.replace(/^api:/, "")}</code>
                <span className="block font-medium">{reply.title}</span>
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                  {KIND_LABELS[reply.kind]}
                </span>
              </th>
              <td className="py-3 pr-4">{reply.meaning}</td>
              <td className="py-3">{reply.fix}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
