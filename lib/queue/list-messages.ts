// Reads a user's messages for the history and the API; every query is scoped to the owner.
import "server-only";
import { db } from "../db";
import type { MessageStatus } from "./message-status";

const PAGE_SIZE = 50;

/** A page of the user's messages, newest first, after `cursor` when it is one of theirs. */
export async function listMessages(
  userId: string,
  options: { status?: MessageStatus; cursor?: string } = {},
) {
  const prisma = await db();
  // Prisma positions a cursor by whatever row has that id; only the owner's may place the page,
  // or another user's message id would reveal where it sits among this user's.
  const start = options.cursor
    ? await prisma.message.findFirst({
        where: { id: options.cursor, userId },
        select: { id: true },
      })
    : null;
  const rows = await prisma.message.findMany({
    where: { userId, ...(options.status ? { status: options.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE_SIZE + 1,
    ...(start ? { cursor: { id: start.id }, skip: 1 } : {}),
    select: {
      id: true,
      status: true,
      to: true,
      subject: true,
      createdAt: true,
      sentAt: true,
      attempts: true,
      nextAttemptAt: true,
      scheduledAt: true,
      account: { select: { reconnectReason: true, pauseReason: true, nextSendAt: true } },
      lastSmtpCode: true,
      lastSmtpReply: true,
      lastError: true,
    },
  });
  const page = rows.slice(0, PAGE_SIZE);
  return {
    messages: page,
    nextCursor: rows.length > PAGE_SIZE ? page.at(-1)?.id : undefined,
    /** A cursor was given but is not one of the user's messages: this is the first page. */
    cursorIgnored: options.cursor !== undefined && !start,
  };
}

export async function getMessage(userId: string, id: string) {
  const prisma = await db();
  return prisma.message.findFirst({
    where: { id, userId },
    include: {
      events: { orderBy: { createdAt: "asc" } },
      account: { select: { reconnectReason: true, pauseReason: true, nextSendAt: true } },
      content: { select: { textBody: true } },
    },
  });
}
