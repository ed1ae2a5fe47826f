// The history's read queries, through Prisma (reads only; writes go through an engine). Every
// query is scoped to the owner.
import "server-only";
import type { Db } from "../db";
import {
  listedMessage,
  messageDetail,
  PAGE_SIZE,
  type MessageDetail,
  type MessagePage,
} from "./message-views";
import { sourceWhere } from "./message-source";
import type { ListOptions } from "./outbox";

/** A page of the user's messages, newest first, after `cursor` when it is one of theirs. */
export async function readMessagePage(
  prisma: Db,
  userId: string,
  options: ListOptions = {},
): Promise<MessagePage> {
  const size = options.limit ?? PAGE_SIZE;
  // Only the owner's message may place the page, or another user's message id would reveal
  // where it sits among this user's.
  const start = options.cursor
    ? await prisma.message.findFirst({
        where: { id: options.cursor, userId },
        select: { id: true, createdAt: true },
      })
    : null;
  const rows = await prisma.message.findMany({
    where: {
      userId,
      ...(options.status ? { status: options.status } : {}),
      ...(options.source ? sourceWhere(options.source) : {}),
      // After the cursor in (createdAt, id) order, with the bound on createdAt on its own so the
      // (userId, createdAt) index starts the scan at the cursor. Prisma's `cursor` option puts an
      // OR on top instead, which neither SQLite nor PostgreSQL can seek on: every page then
      // walked all the newer rows, and a page deep in a long history took seconds.
      ...(start
        ? {
            createdAt: { lte: start.createdAt },
            OR: [{ createdAt: { lt: start.createdAt } }, { id: { lt: start.id } }],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: size + 1,
    select: listedMessage,
  });
  const page = rows.slice(0, size);
  return {
    messages: page,
    nextCursor: rows.length > size ? page.at(-1)?.id : undefined,
    cursorIgnored: options.cursor !== undefined && !start,
  };
}

/** The MIME of one of the user's messages, exactly as the outbox keeps it. */
export async function readMessageMime(
  prisma: Db,
  userId: string,
  id: string,
): Promise<Buffer | null> {
  const content = await prisma.messageContent.findFirst({
    where: { messageId: id, message: { userId } },
    select: { mime: true },
  });
  return content ? Buffer.from(content.mime) : null;
}

export function readMessage(prisma: Db, userId: string, id: string): Promise<MessageDetail | null> {
  return prisma.message.findFirst({ where: { id, userId }, include: messageDetail });
}
