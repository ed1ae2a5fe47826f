// Per-account sending limits: the daily limit over a rolling window, counted from Mailroom's
// own sent log, and the pace that spreads bulk sends out.
import type { Db } from "../db";
import { env } from "../env";

export interface SendingLimits {
  dailyLimit: number;
  windowMs: number;
  /** Minimum gap between sends from one account; 0 = unpaced. */
  paceMs: number;
}

export function sendingLimitsFor(account: { hostedDomain: string | null }): SendingLimits {
  const config = env();
  return {
    // A Workspace account (the ID token's `hd` claim) gets Workspace's higher limit.
    dailyLimit: account.hostedDomain ? config.WORKSPACE_DAILY_LIMIT : config.DAILY_LIMIT,
    windowMs: config.QUOTA_WINDOW_MINUTES * 60_000,
    paceMs: config.SEND_RATE_PER_MINUTE > 0 ? Math.ceil(60_000 / config.SEND_RATE_PER_MINUTE) : 0,
  };
}

/**
 * When the account may send again if its window is full, else null. Messages being sent right
 * now count too, so parallel lanes do not overshoot the limit.
 */
export async function nextQuotaSlot(
  prisma: Db,
  accountId: string,
  limits: SendingLimits,
  now: Date,
): Promise<Date | null> {
  const since = new Date(now.getTime() - limits.windowMs);
  const inWindow = { accountId, status: "sent", sentAt: { gt: since } };
  const [sent, inFlight] = await Promise.all([
    prisma.message.count({ where: inWindow }),
    prisma.message.count({ where: { accountId, status: "sending", lockedUntil: { gte: now } } }),
  ]);
  const used = sent + inFlight;
  if (used < limits.dailyLimit) return null;
  // The slot frees when enough of the oldest sends age out of the window.
  const freeing = await prisma.message.findFirst({
    where: inWindow,
    orderBy: { sentAt: "asc" },
    skip: Math.min(Math.max(sent - 1, 0), used - limits.dailyLimit),
    select: { sentAt: true },
  });
  return new Date((freeing?.sentAt ?? now).getTime() + limits.windowMs);
}

/**
 * After Gmail's own 550-5.4.5: when the oldest send in Mailroom's window ages out, or in an hour
 * when the log does not explain the wall (mail sent from Gmail's web UI, say).
 */
export async function gmailQuotaResumesAt(
  prisma: Db,
  account: { id: string; hostedDomain: string | null },
  now: Date,
): Promise<Date> {
  const { windowMs } = sendingLimitsFor(account);
  const oldest = await prisma.message.findFirst({
    where: {
      accountId: account.id,
      status: "sent",
      sentAt: { gt: new Date(now.getTime() - windowMs) },
    },
    orderBy: { sentAt: "asc" },
    select: { sentAt: true },
  });
  const slot = oldest?.sentAt ? oldest.sentAt.getTime() + windowMs : 0;
  return new Date(slot > now.getTime() ? slot : now.getTime() + 3_600_000);
}

/** Reserves the account's next send under its pace; false when another worker got there first. */
export async function takeSendSlot(
  prisma: Db,
  accountId: string,
  limits: SendingLimits,
  now: Date,
): Promise<boolean> {
  if (limits.paceMs === 0) return true;
  const taken = await prisma.account.updateMany({
    where: { id: accountId, OR: [{ nextSendAt: null }, { nextSendAt: { lte: now } }] },
    data: { nextSendAt: new Date(now.getTime() + limits.paceMs), pauseReason: null },
  });
  return taken.count === 1;
}

export function formatSlot(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
