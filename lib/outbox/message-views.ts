// What the history and the API read of a message: one page of the list, or one message with
// its timeline. The shapes are Prisma's, the schema every engine shares.
import type { Prisma } from "../generated/prisma/client";

export const PAGE_SIZE = 50;

const waitingAccount = { select: { reconnectReason: true, pauseReason: true, nextSendAt: true } };

export const listedMessage = {
  id: true,
  status: true,
  source: true,
  to: true,
  displayNames: true,
  subject: true,
  createdAt: true,
  sentAt: true,
  attempts: true,
  nextAttemptAt: true,
  scheduledAt: true,
  account: waitingAccount,
  lastSmtpCode: true,
  lastSmtpReply: true,
  lastError: true,
} satisfies Prisma.MessageSelect;

export const messageDetail = {
  // Events written together share a time; their ids (time-ordered, lib/outbox/new-id.ts) keep
  // the order they were written in.
  events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
  account: waitingAccount,
  content: { select: { textBody: true } },
} satisfies Prisma.MessageInclude;

export type ListedMessage = Prisma.MessageGetPayload<{ select: typeof listedMessage }>;
export type MessageDetail = Prisma.MessageGetPayload<{ include: typeof messageDetail }>;

export interface MessagePage {
  messages: ListedMessage[];
  /** Where the page of older messages starts, when there is one. */
  nextCursor: string | undefined;
  /** Where the page of newer messages starts, when the page is not the newest. */
  newerCursor?: string | undefined;
  /** A cursor was given but is not one of the user's messages: this is the first page. */
  cursorIgnored: boolean;
}
