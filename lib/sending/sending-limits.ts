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
