// A valid access token for a Google account: the cached one until shortly before expiry,
// otherwise one refresh, shared by every concurrent caller in this process.
import "server-only";
import { accountTokenPlace } from "../crypto/sealed-columns";
import { tokenSealer } from "../crypto/sealer";
import { SealError } from "../crypto/token-sealer";
import { recordAuditEvent, type AuditEntry } from "../audit/record-audit-event";
import { db } from "../db";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { discover } from "./discovery";
import { InvalidGrantError, refreshAccessToken } from "./refresh-access-token";

/** Refresh this long before Google's expiry so a token never dies mid-transaction. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/**
 * A forced refresh right after another one is answered with the new token: connections that
 * were rejected with the old token while the first refresh ran must not each refresh again.
 */
const RECENT_REFRESH_MS = 15_000;

export interface AccessToken {
  accessToken: string;
  expiresAt: Date;
  email: string;
  /** When this process obtained it by a refresh (undefined when read from the database). */
  refreshedAt?: number;
}

/** The account must be reconnected in the browser before it can send again. */
export class ReconnectNeededError extends AppError {
  constructor(
    readonly accountId: string,
    readonly reason: string,
  ) {
    super("reconnect_needed", `The Google account needs to be reconnected: ${reason}`);
  }
}

const cache = new Map<string, AccessToken>();
const inFlight = new Map<string, Promise<AccessToken>>();

export async function getAccessToken(
  accountId: string,
  options: { forceRefresh?: boolean } = {},
): Promise<AccessToken> {
  const cached = cache.get(accountId);
  if (cached && isFresh(cached.expiresAt)) {
    if (!options.forceRefresh) return cached;
    if (cached.refreshedAt && Date.now() - cached.refreshedAt < RECENT_REFRESH_MS) return cached;
  }

  // Concurrent callers, forced or not, share the refresh already under way.
  const pending = inFlight.get(accountId);
  if (pending) return pending;

  const work = loadOrRefresh(accountId, options.forceRefresh ?? false).finally(() =>
    inFlight.delete(accountId),
  );
  inFlight.set(accountId, work);
  return work;
}

/** Forgets cached tokens, e.g. after the user reconnected with fresh ones. */
export function forgetAccessToken(accountId: string): void {
  cache.delete(accountId);
}

async function loadOrRefresh(accountId: string, force: boolean): Promise<AccessToken> {
  const prisma = await db();
  const sealer = tokenSealer();
  const account = await prisma.account.findUnique({ where: { id: accountId } });
  if (!account) throw new AppError("not_found", "Google account not found");
  if (account.reconnectReason) throw new ReconnectNeededError(accountId, account.reconnectReason);

  if (
    account.accessTokenSealed &&
    account.accessTokenExpiresAt &&
    isFresh(account.accessTokenExpiresAt)
  ) {
    const stored = openOrNull(() =>
      sealer.open(account.accessTokenSealed!, accountTokenPlace(accountId, "accessTokenSealed")),
    );
    // Forced: still take the stored token if another process refreshed it moments ago.
    const refreshedElsewhere =
      stored !== cache.get(accountId)?.accessToken &&
      !!account.lastRefreshedAt &&
      Date.now() - account.lastRefreshedAt.getTime() < RECENT_REFRESH_MS;
    if (stored !== null && (!force || refreshedElsewhere)) {
      const token = {
        accessToken: stored,
        expiresAt: account.accessTokenExpiresAt,
        email: account.email,
      };
      cache.set(accountId, token);
      return token;
    }
  }

  if (!account.refreshTokenSealed) {
    const reason = "Google did not return a refresh token; sign in again and grant offline access.";
    await markReconnectNeeded(accountId, reason);
    throw new ReconnectNeededError(accountId, reason);
  }

  const refreshToken = openOrNull(() =>
    sealer.open(account.refreshTokenSealed!, accountTokenPlace(accountId, "refreshTokenSealed")),
  );
  if (refreshToken === null) {
    // Sealed under a key this process lacks, altered, or copied from another row: only a new
    // sign-in can replace it, so the account waits for one instead of retrying forever.
    const reason =
      "The stored Google token cannot be opened (sealed under a key Mailroom no longer has, or altered); sign in again to store a new one.";
    await markReconnectNeeded(accountId, reason);
    throw new ReconnectNeededError(accountId, reason);
  }

  const config = env();
  const { token_endpoint } = await discover(config.GOOGLE_ISSUER);
  try {
    const refreshed = await refreshAccessToken({
      tokenEndpoint: token_endpoint,
      clientId: config.GOOGLE_CLIENT_ID,
      clientSecret: config.GOOGLE_CLIENT_SECRET,
      refreshToken,
    });
    await prisma.$transaction(async (tx) => {
      await tx.account.update({
        where: { id: accountId },
        data: {
          accessTokenSealed: sealer.seal(
            refreshed.accessToken,
            accountTokenPlace(accountId, "accessTokenSealed"),
          ),
          accessTokenExpiresAt: refreshed.expiresAt,
          lastRefreshedAt: new Date(),
          ...(refreshed.scope ? { scope: refreshed.scope } : {}),
          // Google usually omits the refresh token on refresh: keep the stored one then.
          ...(refreshed.refreshToken
            ? {
                refreshTokenSealed: sealer.seal(
                  refreshed.refreshToken,
                  accountTokenPlace(accountId, "refreshTokenSealed"),
                ),
              }
            : {}),
        },
      });
      await recordAuditEvent(tx, {
        kind: "token_refreshed",
        userId: account.userId,
        email: account.email,
        detail: `Access token refreshed${force ? " after Gmail refused the old one" : ""}; valid until ${refreshed.expiresAt.toISOString()}`,
      });
    });
    const token = {
      accessToken: refreshed.accessToken,
      expiresAt: refreshed.expiresAt,
      email: account.email,
      refreshedAt: Date.now(),
    };
    cache.set(accountId, token);
    return token;
  } catch (error) {
    if (error instanceof InvalidGrantError) {
      cache.delete(accountId);
      await markReconnectNeeded(accountId, error.reason, {
        kind: "refresh_refused",
        userId: account.userId,
        email: account.email,
        detail: `Google answered invalid_grant: ${error.reason}`,
      });
      throw new ReconnectNeededError(accountId, error.reason);
    }
    throw error;
  }
}

/** Pauses the account until its owner reconnects; `audit` is recorded with the change. */
export async function markReconnectNeeded(
  accountId: string,
  reason: string,
  audit?: AuditEntry,
): Promise<void> {
  cache.delete(accountId);
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.account.updateMany({
      where: { id: accountId, reconnectReason: null },
      data: { reconnectReason: reason, reconnectSince: new Date() },
    });
    if (count === 1 && audit) await recordAuditEvent(tx, audit);
  });
}

function isFresh(expiresAt: Date): boolean {
  return expiresAt.getTime() - EXPIRY_MARGIN_MS > Date.now();
}

/** A sealed token's plaintext, or null when it does not open (its SealError says why). */
function openOrNull(open: () => string): string | null {
  try {
    return open();
  } catch (error) {
    if (error instanceof SealError) {
      console.error(`access-token: a stored token did not open: ${error.message}`);
      return null;
    }
    throw error;
  }
}
