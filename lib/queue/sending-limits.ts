// Per-account sending limits: the daily limit over a rolling window, counted from Mailroom's
// own sent log, and the pace that spreads bulk sends out.
import type BetterSqlite3 from "better-sqlite3";
import { env } from "../env";
import { nthSentSince, takeSlot, usedInWindow } from "./outbox-sql";

type Conn = BetterSqlite3.Database;

export interface SendingLimits {
  dailyLimit: number;
  windowMs: number;
  /** Minimum gap between sends from one account; 0 = unpaced. */
  paceMs: number;
}

/** The configured limits, as plain data (the outbox's database thread gets them this way). */
export interface LimitSettings {
  dailyLimit: number;
  workspaceDailyLimit: number;
  windowMs: number;
  paceMs: number;
}

export function limitSettings(): LimitSettings {
  const config = env();
  return {
    dailyLimit: config.DAILY_LIMIT,
    workspaceDailyLimit: config.WORKSPACE_DAILY_LIMIT,
    windowMs: config.QUOTA_WINDOW_MINUTES * 60_000,
    paceMs: config.SEND_RATE_PER_MINUTE > 0 ? Math.ceil(60_000 / config.SEND_RATE_PER_MINUTE) : 0,
  };
}

export function sendingLimitsFor(
  account: { hostedDomain: string | null },
  settings = limitSettings(),
): SendingLimits {
  return {
    // A Workspace account (the ID token's `hd` claim) gets Workspace's higher limit.
    dailyLimit: account.hostedDomain ? settings.workspaceDailyLimit : settings.dailyLimit,
    windowMs: settings.windowMs,
    paceMs: settings.paceMs,
  };
}

/**
 * How many more messages the account may start now, or the time its window frees a slot when
 * none. Messages being sent right now count too, so parallel lanes do not overshoot the limit.
 */
export function quotaAllowance(
  conn: Conn,
  accountId: string,
  limits: SendingLimits,
  now: Date,
): { allowed: number } | { slot: Date } {
  const since = new Date(now.getTime() - limits.windowMs);
  const { sent, inFlight } = usedInWindow(conn, accountId, since, now);
  const used = sent + inFlight;
  if (used < limits.dailyLimit) return { allowed: limits.dailyLimit - used };
  // The slot frees when enough of the oldest sends age out of the window.
  const offset = Math.min(Math.max(sent - 1, 0), used - limits.dailyLimit);
  const freeing = nthSentSince(conn, accountId, since, offset);
  return { slot: new Date((freeing ?? now).getTime() + limits.windowMs) };
}

/**
 * After Gmail's own 550-5.4.5: when the oldest send in Mailroom's window ages out, or in an hour
 * when the log does not explain the wall (mail sent from Gmail's web UI, say).
 */
export function gmailQuotaResumesAt(
  conn: Conn,
  accountId: string,
  windowMs: number,
  now: Date,
): Date {
  const oldest = nthSentSince(conn, accountId, new Date(now.getTime() - windowMs), 0);
  const slot = oldest ? oldest.getTime() + windowMs : 0;
  return new Date(slot > now.getTime() ? slot : now.getTime() + 3_600_000);
}

/** Reserves the account's next send under its pace; false when another worker got there first. */
export function takeSendSlot(
  conn: Conn,
  accountId: string,
  limits: SendingLimits,
  now: Date,
): boolean {
  if (limits.paceMs === 0) return true;
  return takeSlot(conn, accountId, new Date(now.getTime() + limits.paceMs), now);
}

export function formatSlot(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}
