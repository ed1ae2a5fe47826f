// The history's read queries, through Prisma (reads only; writes go through an engine). Every
// query is scoped to the owner.
import "server-only";
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { DISPLAY_STATUSES, type DisplayStatus } from "./display-status";
import {
  listedMessage,
  messageDetail,
  PAGE_SIZE,
  type ListedMessage,
  type MessageDetail,
  type MessagePage,
} from "./message-views";
import { sourceWhere } from "./message-source";
import type { HistoryFilter, ListOptions, MessageMime } from "./outbox";
import { readListed, searchMessageIds } from "./search-messages";
import { messageIdOf } from "./search-terms";

/** The Message filter for everything in `filter` but its search. */
export function filterWhere(userId: string, filter: HistoryFilter): Prisma.MessageWhereInput {
  return {
    userId,
    ...(filter.status === "scheduled"
      ? { status: "queued", scheduledAt: { gt: new Date() } }
      : filter.status
        ? { status: filter.status }
        : {}),
    ...(filter.source ? sourceWhere(filter.source) : {}),
    ...(filter.since || filter.until
      ? {
          createdAt: {
            ...(filter.since ? { gte: filter.since } : {}),
            ...(filter.until ? { lt: filter.until } : {}),
          },
        }
      : {}),
  };
}

/** Where a page starts: one of the owner's messages, and which way the page runs from it. */
export interface PageStart {
  id: string;
  createdAt: Date;
  newer: boolean;
}

/**
 * A page of the user's messages, newest first: the first page, the one after `cursor` (older)
 * or the one before `newerThan` (newer), of the messages `options` filters and searches for.
 */
export async function readMessagePage(
  prisma: Db,
  userId: string,
  options: ListOptions = {},
): Promise<MessagePage> {
  const size = options.limit ?? PAGE_SIZE;
  const placedBy = options.newerThan ?? options.cursor;
  // Only the owner's message may place the page, or another user's message id would reveal
  // where it sits among this user's.
  const placed = placedBy
    ? await prisma.message.findFirst({
        where: { id: placedBy, userId },
        select: { id: true, createdAt: true },
      })
    : null;
  const start = placed ? { ...placed, newer: options.newerThan !== undefined } : undefined;
  const cursorIgnored = placedBy !== undefined && !start;

  const rows = await readRows(prisma, userId, options, start, size + 1);
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (start?.newer) {
    // Nothing newer left beyond this page: show the first page, full, rather than a short one.
    if (!more) {
      const first = await readMessagePage(prisma, userId, { ...options, newerThan: undefined });
      return { ...first, cursorIgnored: false };
    }
    page.reverse();
    return {
      messages: page,
      nextCursor: page.at(-1)?.id,
      newerCursor: page[0]?.id,
      cursorIgnored,
    };
  }
  return {
    messages: page,
    nextCursor: more ? page.at(-1)?.id : undefined,
    newerCursor: start ? page[0]?.id : undefined,
    cursorIgnored,
  };
}

/**
 * The MIME of one of the user's messages, exactly as the outbox keeps it: the bytes, or where
 * its chunks are.
 */
export async function readMessageMime(
  prisma: Db,
  userId: string,
  id: string,
): Promise<MessageMime | null> {
  const content = await prisma.messageContent.findFirst({
    where: { messageId: id, message: { userId } },
    select: { mime: true, contentId: true, message: { select: { sizeBytes: true } } },
  });
  if (!content) return null;
  return content.contentId
    ? { contentId: content.contentId, size: content.message.sizeBytes }
    : Buffer.from(content.mime);
}

/** Up to `take` rows from `start` on, in the page's reading order (toward `start.newer`). */
async function readRows(
  prisma: Db,
  userId: string,
  options: ListOptions,
  start: PageStart | undefined,
  take: number,
): Promise<ListedMessage[]> {
  const query = options.query?.trim();
  if (!query) return readFiltered(prisma, filterWhere(userId, options), start, take);

  // A search that is a Message-ID of the user's finds that message alone.
  const header = messageIdOf(query);
  if (header) {
    const byHeader = await readFiltered(
      prisma,
      { ...filterWhere(userId, options), messageIdHeader: header },
      start,
      take,
    );
    if (byHeader.length > 0 || start) return byHeader;
    const exists = await prisma.message.count({ where: { userId, messageIdHeader: header } });
    if (exists > 0) return [];
  }
  const ids = await searchMessageIds(prisma, userId, { ...options, query }, start, take);
  return readListed(prisma, userId, ids);
}

async function readFiltered(
  prisma: Db,
  where: Prisma.MessageWhereInput,
  start: PageStart | undefined,
  take: number,
): Promise<ListedMessage[]> {
  const direction = start?.newer ? "asc" : "desc";
  return prisma.message.findMany({
    // Beyond the start in (createdAt, id) order, with the bound on createdAt on its own so the
    // (userId, createdAt) index starts the scan there. Prisma's `cursor` option puts an OR on
    // top instead, which neither SQLite nor PostgreSQL can seek on: every page then walked all
    // the newer rows, and a page deep in a long history took seconds.
    where: start ? { AND: [where, beyond(start)] } : where,
    orderBy: [{ createdAt: direction }, { id: direction }],
    take,
    select: listedMessage,
  });
}

function beyond(start: PageStart): Prisma.MessageWhereInput {
  return start.newer
    ? {
        createdAt: { gte: start.createdAt },
        OR: [{ createdAt: { gt: start.createdAt } }, { id: { gt: start.id } }],
      }
    : {
        createdAt: { lte: start.createdAt },
        OR: [{ createdAt: { lt: start.createdAt } }, { id: { lt: start.id } }],
      };
}

/** Counted no further than this: a count of a long history costs no more than this many rows. */
export const STATUS_COUNT_CAP = 10_000;

/** How many of the user's messages are in each status, each counted up to STATUS_COUNT_CAP. */
export async function countByStatus(
  prisma: Db,
  userId: string,
): Promise<Record<DisplayStatus, number>> {
  const counts = await Promise.all(
    DISPLAY_STATUSES.map((status) =>
      prisma.message.count({ where: filterWhere(userId, { status }), take: STATUS_COUNT_CAP }),
    ),
  );
  return Object.fromEntries(DISPLAY_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as Record<
    DisplayStatus,
    number
  >;
}

export function readMessage(prisma: Db, userId: string, id: string): Promise<MessageDetail | null> {
  return prisma.message.findFirst({ where: { id, userId }, include: messageDetail });
}
