// The overview, the first page after sign-in: what became of the messages accepted in the last
// 24 hours, 7 days and 30 days; what was sent in each of the last 30 rolling 24-hour windows
// against the daily limit; and the latest failures with what they mean.
import "server-only";
import type { Db } from "../db";
import { explainReply } from "../mail/gmail-replies";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The periods the overview counts over, newest first. */
export const OVERVIEW_WINDOWS = [
  { label: "Last 24 hours", ms: DAY_MS },
  { label: "Last 7 days", ms: 7 * DAY_MS },
  { label: "Last 30 days", ms: 30 * DAY_MS },
] as const;

/** How many rolling 24-hour windows the volume chart shows. */
export const VOLUME_DAYS = 30;

/** How many of the latest failures the overview lists. */
export const LATEST_FAILURES = 5;

/** What became of the messages accepted in one period, by their status now. */
export interface WindowCounts {
  label: string;
  accepted: number;
  sent: number;
  /** Queued (scheduled ones included) or being sent. */
  waiting: number;
  deferred: number;
  failed: number;
  canceled: number;
}

export interface OverviewFailure {
  id: string;
  subject: string;
  to: string[];
  failedAt: Date;
  /** Gmail's reply, or Mailroom's reason when there was none. */
  reply: string | null;
  explanation: { title: string; fix: string } | null;
}

export interface Overview {
  windows: WindowCounts[];
  volume: {
    /** What Gmail's limit counts: recipients for consumer Gmail, messages for Workspace. */
    unit: "recipients" | "messages";
    dailyLimit: number;
    /** Oldest first; each the 24 hours ending at `endsAt`, the last one ending now. */
    days: { endsAt: Date; count: number }[];
  };
  failures: OverviewFailure[];
}

export interface OverviewSender {
  userId: string;
  accountId: string;
  kind: "gmail" | "workspace";
  dailyLimit: number;
}

/** The overview of one user's sending, read with `prisma` (every query scoped to the user). */
export async function readOverview(
  prisma: Db,
  sender: OverviewSender,
  now = new Date(),
): Promise<Overview> {
  const { userId, accountId } = sender;
  const windows = await Promise.all(
    OVERVIEW_WINDOWS.map(async (w) => {
      const grouped = await prisma.message.groupBy({
        by: ["status"],
        where: { userId, createdAt: { gt: new Date(now.getTime() - w.ms), lte: now } },
        _count: { _all: true },
      });
      const n = (status: string) => grouped.find((g) => g.status === status)?._count._all ?? 0;
      return {
        label: w.label,
        accepted: grouped.reduce((sum, g) => sum + g._count._all, 0),
        sent: n("sent"),
        waiting: n("queued") + n("sending"),
        deferred: n("deferred"),
        failed: n("failed"),
        canceled: n("canceled"),
      };
    }),
  );

  // Rolling windows, as Gmail counts its limit, rather than calendar days in some time zone.
  const days = await Promise.all(
    Array.from({ length: VOLUME_DAYS }, async (_, i) => {
      const endsAt = new Date(now.getTime() - (VOLUME_DAYS - 1 - i) * DAY_MS);
      const sent = await prisma.message.aggregate({
        where: {
          userId,
          accountId,
          status: "sent",
          sentAt: { gt: new Date(endsAt.getTime() - DAY_MS), lte: endsAt },
        },
        _count: { _all: true },
        _sum: { recipientCount: true },
      });
      const count = sender.kind === "gmail" ? (sent._sum.recipientCount ?? 0) : sent._count._all;
      return { endsAt, count };
    }),
  );

  const failed = await prisma.message.findMany({
    where: { userId, status: "failed" },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: LATEST_FAILURES,
    select: {
      id: true,
      subject: true,
      to: true,
      updatedAt: true,
      lastSmtpReply: true,
      lastError: true,
    },
  });
  const failures = failed.map((m): OverviewFailure => {
    const explanation = explainReply(m.lastSmtpReply ?? undefined);
    return {
      id: m.id,
      subject: m.subject,
      to: Array.isArray(m.to) ? m.to.filter((a): a is string => typeof a === "string") : [],
      failedAt: m.updatedAt,
      reply: m.lastSmtpReply ?? m.lastError,
      explanation: explanation ? { title: explanation.title, fix: explanation.fix } : null,
    };
  });

  return {
    windows,
    volume: {
      unit: sender.kind === "gmail" ? "recipients" : "messages",
      dailyLimit: sender.dailyLimit,
      days,
    },
    failures,
  };
}
