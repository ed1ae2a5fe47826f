// How much one user sends from one domain, for the one-click unsubscribe check: the busiest
// rolling day of the last week (recipients of sent messages), and whether the latest messages
// carried RFC 8058's headers, read from their stored MIME.
import "server-only";
import { Headers } from "@zone-eu/mailsplit";
import type { Db } from "../db";

const DAY_MS = 24 * 3_600_000;
/** Rolling days looked back over for the busiest one. */
export const VOLUME_LOOKBACK_DAYS = 7;
/** The latest sent messages whose headers are read. */
export const HEADER_SAMPLE = 20;
// The header block is at the top; a big message's attachments are not worth loading for it.
const SAMPLE_MAX_BYTES = 512 * 1024;

export interface SenderVolume {
  /**
   * Most recipients sent to in one rolling 24 hours of the last week; for a sender that stays
   * below `exactFrom` in the whole week, the week's total (an upper bound, not worth more queries).
   */
  peakDailyRecipients: number;
  /** How many recent sent messages were read (none for such a quiet sender), and how many carried both one-click headers. */
  sampled: number;
  oneClick: number;
}

/** `domain` lowercased; every query is scoped to `userId`. */
export async function readSenderVolume(
  prisma: Db,
  userId: string,
  domain: string,
  options: { now?: Date; exactFrom: number },
): Promise<SenderVolume> {
  const now = options.now ?? new Date();
  const fromDomain = { userId, status: "sent", fromAddress: { endsWith: `@${domain}` } };
  const sentBetween = async (from: Date, to: Date) =>
    (
      await prisma.message.aggregate({
        where: { ...fromDomain, sentAt: { gt: from, lte: to } },
        _sum: { recipientCount: true },
      })
    )._sum.recipientCount ?? 0;

  const week = await sentBetween(new Date(now.getTime() - VOLUME_LOOKBACK_DAYS * DAY_MS), now);
  if (week < options.exactFrom) return { peakDailyRecipients: week, sampled: 0, oneClick: 0 };

  const days = await Promise.all(
    Array.from({ length: VOLUME_LOOKBACK_DAYS }, (_, i) => {
      const endsAt = new Date(now.getTime() - i * DAY_MS);
      return sentBetween(new Date(endsAt.getTime() - DAY_MS), endsAt);
    }),
  );
  const latest = await prisma.message.findMany({
    where: { ...fromDomain, sizeBytes: { lte: SAMPLE_MAX_BYTES } },
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    take: HEADER_SAMPLE,
    select: { content: { select: { mime: true } } },
  });
  const sampled = latest.flatMap((m) => (m.content ? [Buffer.from(m.content.mime)] : []));
  return {
    peakDailyRecipients: Math.max(0, ...days),
    sampled: sampled.length,
    oneClick: sampled.filter(hasOneClickUnsubscribe).length,
  };
}

/**
 * RFC 8058: a List-Unsubscribe with an https URI, and List-Unsubscribe-Post saying
 * List-Unsubscribe=One-Click. A mailto: alone is not one-click.
 */
export function hasOneClickUnsubscribe(mime: Buffer): boolean {
  const end = headerEnd(mime);
  const headers = new Headers(mime.subarray(0, end));
  const unsubscribe = headers.getFirst("list-unsubscribe");
  const post = headers.getFirst("list-unsubscribe-post");
  const uris = [...unsubscribe.matchAll(/<([^>]+)>/g)].map((m) => m[1] ?? "");
  return (
    uris.some((uri) => /^https:\/\//i.test(uri.trim())) &&
    post.replace(/\s+/g, "").toLowerCase() === "list-unsubscribe=one-click"
  );
}

function headerEnd(mime: Buffer): number {
  const crlf = mime.indexOf("\r\n\r\n");
  if (crlf >= 0) return crlf + 2;
  const lf = mime.indexOf("\n\n");
  return lf >= 0 ? lf + 1 : mime.length;
}
