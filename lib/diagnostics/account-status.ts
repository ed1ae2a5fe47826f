// What the status page shows about a user's Google account: who it is, the state of its tokens,
// how much of Gmail's rolling 24-hour sending limit is used, and how many messages are where.
import "server-only";
import { db } from "../db";
import { isInvalidGrantCause } from "../google/diagnose-invalid-grant";
import { explainInvalidGrant, type InvalidGrantExplanation } from "../google/explain-invalid-grant";
import { grantedScopes } from "../google/scopes";
import { testingExpiry, type TestingExpiry } from "../google/testing-expiry";
import { testingMode, type TestingMode } from "../google/testing-mode";
import { MESSAGE_STATUSES, type MessageStatus } from "../outbox/message-status";
import { limitSettings, sendingLimitsFor, type LimitSettings } from "../sending/sending-limits";
import {
  SEND_WAY_INFO,
  SEND_WAYS,
  sendWayOf,
  wayHasScope,
  type SendWay,
  type SendWayInfo,
} from "../sending/ways/send-ways";
import { findUserAccount } from "./find-user-account";

export interface AccountStatus {
  account: {
    id: string;
    email: string;
    /** The Google Workspace domain; null for consumer Gmail. */
    hostedDomain: string | null;
    kind: "gmail" | "workspace";
  };
  token: {
    scopes: string[];
    hasRefreshToken: boolean;
    accessTokenExpiresAt: Date | null;
    accessTokenExpired: boolean;
    lastRefreshedAt: Date | null;
    reconnectNeeded: boolean;
    reconnectReason: string | null;
    reconnectSince: Date | null;
    /** When the stored refresh token was granted, and last used; null when not recorded. */
    consentedAt: Date | null;
    refreshTokenUsedAt: Date | null;
    /** The token doctor's likely cause when Google answered invalid_grant. */
    diagnosis: InvalidGrantExplanation | null;
    /** Whether the OAuth app is in Testing (configured or inferred). */
    testing: TestingMode;
    /** With an app in Testing: when Google will end this account's grant (consent + 7 days). */
    expiry: TestingExpiry | null;
  };
  usage: {
    /**
     * What counts against the limit in the rolling 24 hours before `now`: recipients (To + Cc +
     * Bcc) of the messages sent for consumer Gmail, messages sent for Workspace.
     */
    sentLast24h: number;
    dailyLimit: number;
    remaining: number;
    /** When the oldest send in the window leaves it, freeing a slot; only when the limit is reached. */
    nextSlotAt: Date | null;
  };
  /** How the account sends, and what each way still needs. */
  sending: {
    way: SendWay;
    appPasswordAddedAt: Date | null;
    ways: { info: SendWayInfo; scopeGranted: boolean; ready: boolean }[];
  };
  counts: Record<MessageStatus, number>;
  /** Messages waiting to go out: queued, sending or deferred. */
  waiting: number;
}

/** The status of the user's connected Google account, or null when none is connected. */
export async function getAccountStatus(
  userId: string,
  now = new Date(),
  settings: LimitSettings = limitSettings(),
): Promise<AccountStatus | null> {
  const account = await findUserAccount(userId);
  if (!account) return null;
  const prisma = await db();
  // The limits the outbox enforces when it claims: the same settings, the same window.
  const limits = sendingLimitsFor(account, settings);
  const windowStart = new Date(now.getTime() - limits.windowMs);
  const mine = { userId, accountId: account.id };
  const sentInWindow = { ...mine, status: "sent", sentAt: { gt: windowStart, lte: now } };

  const kind = account.hostedDomain ? "workspace" : "gmail";
  const [sent, grouped, testing] = await Promise.all([
    prisma.message.aggregate({
      where: sentInWindow,
      _count: { _all: true },
      _sum: { recipientCount: true },
    }),
    prisma.message.groupBy({ by: ["status"], where: mine, _count: { _all: true } }),
    testingMode(prisma),
  ]);
  const sentLast24h = kind === "gmail" ? (sent._sum.recipientCount ?? 0) : sent._count._all;

  const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<
    MessageStatus,
    number
  >;
  for (const row of grouped) {
    if (row.status in counts) counts[row.status as MessageStatus] = row._count._all;
  }

  const dailyLimit = limits.messageLimit ?? limits.recipientLimit;
  let nextSlotAt: Date | null = null;
  if (sentLast24h >= dailyLimit) {
    // A slot frees when enough of the oldest sends leave the window to bring usage under the limit.
    const oldestFirst = await prisma.message.findMany({
      where: sentInWindow,
      orderBy: { sentAt: "asc" },
      select: { sentAt: true, recipientCount: true },
    });
    let freed = 0;
    for (const m of oldestFirst) {
      freed += kind === "gmail" ? m.recipientCount : 1;
      if (sentLast24h - freed < dailyLimit) {
        nextSlotAt = m.sentAt ? new Date(m.sentAt.getTime() + limits.windowMs) : null;
        break;
      }
    }
  }

  const scopes = grantedScopes(account.scope);
  const expiresAt = account.accessTokenExpiresAt;
  return {
    account: { id: account.id, email: account.email, hostedDomain: account.hostedDomain, kind },
    token: {
      scopes,
      hasRefreshToken: account.refreshTokenSealed !== null,
      accessTokenExpiresAt: expiresAt,
      accessTokenExpired: !expiresAt || expiresAt.getTime() <= now.getTime(),
      lastRefreshedAt: account.lastRefreshedAt,
      reconnectNeeded: account.reconnectReason !== null,
      reconnectReason: account.reconnectReason,
      reconnectSince: account.reconnectSince,
      consentedAt: account.consentedAt,
      refreshTokenUsedAt: account.refreshTokenUsedAt,
      diagnosis: diagnosisOf(account),
      testing,
      expiry:
        testing.testing && account.consentedAt && account.reconnectReason === null
          ? testingExpiry(account.consentedAt, now)
          : null,
    },
    sending: {
      way: sendWayOf(account.sendWay),
      appPasswordAddedAt: account.appPasswordAddedAt,
      ways: SEND_WAYS.map((way) => {
        const scopeGranted = wayHasScope(way, account.scope);
        return {
          info: SEND_WAY_INFO[way],
          scopeGranted,
          ready: scopeGranted && (way !== "app_password" || account.appPasswordSealed !== null),
        };
      }),
    },
    usage: {
      sentLast24h,
      dailyLimit,
      remaining: Math.max(0, dailyLimit - sentLast24h),
      nextSlotAt,
    },
    counts,
    waiting: counts.queued + counts.sending + counts.deferred,
  };
}

function diagnosisOf(account: {
  reconnectCause: string | null;
  reconnectSince: Date | null;
  consentedAt: Date | null;
  refreshTokenUsedAt: Date | null;
}): InvalidGrantExplanation | null {
  const cause = account.reconnectCause;
  if (!isInvalidGrantCause(cause) || !account.reconnectSince) return null;
  const history = { consentedAt: account.consentedAt, lastUsedAt: account.refreshTokenUsedAt };
  return explainInvalidGrant(cause, history, account.reconnectSince);
}
