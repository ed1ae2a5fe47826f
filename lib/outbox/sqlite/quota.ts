// The daily limit and pace, applied on the SQLite engine's connection: what an account may still
// start in its window, when Gmail's own quota frees a slot, and reserving a paced send.
import type BetterSqlite3 from "better-sqlite3";
import {
  allowanceLeft,
  fits,
  slotFor,
  type Allowance,
  type SendingLimits,
} from "../../sending/sending-limits";
import { nthSentSince, sentLog, takeSlot, usedInWindow } from "./sql";

type Conn = BetterSqlite3.Database;

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
  const left = allowanceLeft(limits, used);
  if (fits(left, nextRecipients)) return left;
  const log = sentLog(conn, accountId, since);
  return { slot: slotFor(limits, left, nextRecipients, now, log), used };
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
