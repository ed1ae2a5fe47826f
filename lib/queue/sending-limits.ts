// Per-account sending limits: the daily limit over a rolling window, counted from Mailroom's
// own sent log (recipients for consumer Gmail; messages and recipients for Workspace), and the
// pace that spreads bulk sends out.
import type BetterSqlite3 from "better-sqlite3";
import { env } from "../env";
import { nthSentSince, sentFreeing, takeSlot, usedInWindow } from "./outbox-sql";

type Conn = BetterSqlite3.Database;

export interface SendingLimits {
  /** Messages per window; null = not limited by messages (consumer Gmail counts recipients). */
  messageLimit: number | null;
  /** Recipients (To + Cc + Bcc) per window. */
  recipientLimit: number;
  windowMs: number;
  /** Minimum gap between sends from one account; 0 = unpaced. */
  paceMs: number;
}

/** The configured limits, as plain data (the outbox's database thread gets them this way). */
export interface LimitSettings {
  dailyLimit: number;
  workspaceDailyLimit: number;
  workspaceRecipientLimit: number;
  windowMs: number;
  paceMs: number;
}

export function limitSettings(): LimitSettings {
  const config = env();
  return {
    dailyLimit: config.DAILY_LIMIT,
    workspaceDailyLimit: config.WORKSPACE_DAILY_LIMIT,
    workspaceRecipientLimit: config.WORKSPACE_DAILY_RECIPIENT_LIMIT,
    windowMs: config.QUOTA_WINDOW_MINUTES * 60_000,
    paceMs: config.SEND_RATE_PER_MINUTE > 0 ? Math.ceil(60_000 / config.SEND_RATE_PER_MINUTE) : 0,
  };
}

export function sendingLimitsFor(
  account: { hostedDomain: string | null },
  settings = limitSettings(),
): SendingLimits {
  const common = { windowMs: settings.windowMs, paceMs: settings.paceMs };
  // A Workspace account (the ID token's `hd` claim) gets Workspace's limits: messages and
  // recipients. Consumer Gmail counts recipients only.
  return account.hostedDomain
    ? {
        ...common,
        messageLimit: settings.workspaceDailyLimit,
        recipientLimit: settings.workspaceRecipientLimit,
      }
    : { ...common, messageLimit: null, recipientLimit: settings.dailyLimit };
}

/** What the account may still start in its window. */
export interface Allowance {
  messages: number;
  recipients: number;
}

/**
 * What the account may start now, or why the next message (of `nextRecipients` recipients) has
 * to wait: until `slot`, when enough of the oldest sends age out of the window; or, when the
 * messages being sent right now hold what it needs, until they are recorded (no slot yet).
 * Messages in flight count, so parallel lanes do not overshoot the limit.
 */
export function quotaAllowance(
  conn: Conn,
  accountId: string,
  limits: SendingLimits,
  nextRecipients: number,
  now: Date,
): Allowance | { slot: Date | null; used: Allowance } {
  const since = new Date(now.getTime() - limits.windowMs);
  const { sent, inFlight } = usedInWindow(conn, accountId, since, now);
  const used = {
    messages: sent.messages + inFlight.messages,
    recipients: sent.recipients + inFlight.recipients,
  };
  const left = {
    messages: limits.messageLimit === null ? Infinity : limits.messageLimit - used.messages,
    recipients: limits.recipientLimit - used.recipients,
  };
  if (left.messages >= 1 && left.recipients >= nextRecipients) return left;

  // How much has to age out of the window before the next message fits, and when that is.
  let slot = now;
  const messagesToFree = 1 - left.messages;
  if (messagesToFree > 0) {
    const freeing = nthSentSince(conn, accountId, since, messagesToFree - 1);
    if (!freeing) return { slot: null, used };
    slot = later(slot, new Date(freeing.getTime() + limits.windowMs));
  }
  const recipientsToFree = nextRecipients - left.recipients;
  if (recipientsToFree > 0) {
    const freeing = sentFreeing(conn, accountId, since, recipientsToFree);
    if (!freeing) return { slot: null, used };
    slot = later(slot, new Date(freeing.getTime() + limits.windowMs));
  }
  return { slot, used };
}

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}

/** Why the account waits, in words for its status (the pause reason). */
export function quotaWaitReason(
  limits: SendingLimits,
  used: Allowance,
  nextRecipients: number,
  slot: Date,
): string {
  const fmt = (n: number) => n.toLocaleString("en-US");
  const when = `next slot at ${formatSlot(slot)}`;
  if (limits.messageLimit !== null && used.messages >= limits.messageLimit) {
    return `Daily limit of ${fmt(limits.messageLimit)} messages reached; ${when}`;
  }
  if (used.recipients >= limits.recipientLimit) {
    return `Daily limit of ${fmt(limits.recipientLimit)} recipients reached; ${when}`;
  }
  const left = limits.recipientLimit - used.recipients;
  return `Daily limit of ${fmt(limits.recipientLimit)} recipients: the next message has ${fmt(nextRecipients)}, ${fmt(left)} left; ${when}`;
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
