// Per-account sending limits as pure rules: the daily limit over a rolling window, counted from
// Mailroom's own sent log (recipients for consumer Gmail; messages and recipients for Workspace),
// and the pace that spreads bulk sends out. An outbox engine applies them when it claims.
import { env } from "../env";

export interface SendingLimits {
  /** Messages per window; null = not limited by messages (consumer Gmail counts recipients). */
  messageLimit: number | null;
  /** Recipients (To + Cc + Bcc) per window. */
  recipientLimit: number;
  windowMs: number;
  /** Minimum gap between sends from one account; 0 = unpaced. */
  paceMs: number;
}

/** The configured limits, as plain data (they cross to the outbox's engine this way). */
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

export function formatSlot(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

/** One send in the account's window, oldest first: what ages out of the window, and when. */
export interface SentInWindow {
  sentAt: Date;
  recipients: number;
}

/** What the account may still start in its window, given what it used (sends and live claims). */
export function allowanceLeft(limits: SendingLimits, used: Allowance): Allowance {
  return {
    messages: limits.messageLimit === null ? Infinity : limits.messageLimit - used.messages,
    recipients: limits.recipientLimit - used.recipients,
  };
}

export function fits(left: Allowance, recipients: number): boolean {
  return left.messages >= 1 && left.recipients >= recipients;
}

/**
 * When a message of `nextRecipients` that does not fit in `left` will: once enough of the
 * oldest sends in `sentLog` (the window's, oldest first) age out; null when only messages in
 * flight hold what it needs (their outcome decides).
 */
export function slotFor(
  limits: SendingLimits,
  left: Allowance,
  nextRecipients: number,
  now: Date,
  sentLog: SentInWindow[],
): Date | null {
  let slot = now.getTime();
  const messagesToFree = 1 - left.messages;
  if (messagesToFree > 0) {
    const freeing = sentLog[messagesToFree - 1];
    if (!freeing) return null;
    slot = Math.max(slot, freeing.sentAt.getTime() + limits.windowMs);
  }
  let recipientsToFree = nextRecipients - left.recipients;
  if (recipientsToFree > 0) {
    const freeing = sentLog.find((entry) => (recipientsToFree -= entry.recipients) <= 0);
    if (!freeing) return null;
    slot = Math.max(slot, freeing.sentAt.getTime() + limits.windowMs);
  }
  return new Date(slot);
}

/** Why a message with more recipients than the account's whole daily limit fails at once. */
export function tooManyRecipientsReason(recipientCount: number, limits: SendingLimits): string {
  const fmt = (n: number) => n.toLocaleString("en-US");
  return (
    `This message has ${fmt(recipientCount)} recipients, more than the account's ` +
    `daily limit of ${fmt(limits.recipientLimit)}, so it can never be sent; ` +
    `split it into smaller messages`
  );
}
