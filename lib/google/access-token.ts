// A valid access token for a Google account: the cached one until shortly before expiry,
// otherwise one refresh per account across every process and machine. In a process, concurrent
// callers share one call; across processes, the refresh lease in the account's row lets one of
// them call Google while the others wait for the token it stores.
import "server-only";
import { accountTokenPlace } from "../crypto/sealed-columns";
import { tokenSealer } from "../crypto/sealer";
import { SealError } from "../crypto/token-sealer";
import { recordAuditEvent, type AuditEntry } from "../audit/record-audit-event";
import { db, type Db } from "../db";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import type { Account } from "../generated/prisma/client";
import {
  diagnoseInvalidGrant,
  outlivesTesting,
  type InvalidGrantCause,
} from "./diagnose-invalid-grant";
import { explainInvalidGrant } from "./explain-invalid-grant";
import { discover } from "./discovery";
import { InvalidGrantError, refreshAccessToken, type RefreshedToken } from "./refresh-access-token";
import { refreshLeaseOpen, releaseRefreshLease, takeRefreshLease } from "./refresh-lease";
import { forgetTestingInferred, rememberTestingInferred, testingMode } from "./testing-mode";

/** Refresh this long before Google's expiry so a token never dies mid-transaction. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/**
 * A forced refresh soon after this process replaced its token is answered with the new one:
 * Gmail does not say which token it refused, and this process's connections that were refused
 * the old token while the replacement was under way must not each refresh again.
 */
const RECENT_REPLACEMENT_MS = 15_000;
/** How often a process waiting for another one's refresh reads the account again. */
const LEASE_POLL_MS = 150;

export interface AccessToken {
  accessToken: string;
  expiresAt: Date;
  email: string;
  /** When this process took it in place of a token it had handed out before. */
  replacedAt?: number;
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

/**
 * Which stored token a caller takes: any fresh one, or after Gmail refused a token (forced),
 * a fresh one other than the refused.
 */
interface Wanted {
  forced: boolean;
  refused?: string;
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
    if (cached.replacedAt && Date.now() - cached.replacedAt < RECENT_REPLACEMENT_MS) return cached;
  }

  // Concurrent callers, forced or not, share the call already under way.
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

async function loadOrRefresh(accountId: string, forced: boolean): Promise<AccessToken> {
  const prisma = await db();
  const account = await readAccount(prisma, accountId);
  // Refused: the token this process handed out last or, if it has none, the one stored now.
  const wanted: Wanted = {
    forced,
    refused: forced ? (cache.get(accountId)?.accessToken ?? openAccessToken(account)) : undefined,
  };
  const stored = storedToken(account, wanted);
  if (stored) return remember(accountId, stored);

  for (;;) {
    if (await takeRefreshLease(prisma, accountId)) {
      return refreshHoldingLease(prisma, accountId, wanted);
    }
    const storedElsewhere = await awaitLeaseHolder(prisma, accountId, wanted);
    if (storedElsewhere) return remember(accountId, storedElsewhere);
  }
}

/**
 * Another process holds the lease: reads the row until that process has stored a token this
 * caller takes, or the lease is given back or runs out (null: try to take it).
 */
async function awaitLeaseHolder(
  prisma: Db,
  accountId: string,
  wanted: Wanted,
): Promise<AccessToken | null> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    // A holder refused with invalid_grant marks the account first: this throws then.
    const account = await readAccount(prisma, accountId);
    const stored = storedToken(account, wanted);
    if (stored) return stored;
    if (refreshLeaseOpen(account)) return null;
  }
}

/**
 * Holding the lease: the token another process stored meanwhile, or a refresh, stored together
 * with the lease's release.
 */
async function refreshHoldingLease(
  prisma: Db,
  accountId: string,
  wanted: Wanted,
): Promise<AccessToken> {
  try {
    // Read again: the holder before this one may have stored a token since the first read.
    const account = await readAccount(prisma, accountId);
    const stored = storedToken(account, wanted);
    if (stored) {
      await releaseRefreshLease(prisma, accountId);
      return remember(accountId, stored);
    }
    const refreshed = await refreshAndStore(prisma, account, wanted.forced);
    return remember(accountId, refreshed, { replaced: true });
  } catch (error) {
    // Let the waiting processes go on now (a lease that cannot be given back runs out).
    await releaseRefreshLease(prisma, accountId).catch((releaseError: unknown) =>
      console.error(
        `access-token: the refresh lease was not given back: ${(releaseError as Error).message}`,
      ),
    );
    throw error;
  }
}

/** Calls Google's token endpoint; stores the token and gives the lease back in one transaction. */
async function refreshAndStore(
  prisma: Db,
  account: Account,
  forced: boolean,
): Promise<AccessToken> {
  const accountId = account.id;
  const refreshToken = await openRefreshTokenOrPause(account);
  const config = env();
  const { token_endpoint } = await discover(config.GOOGLE_ISSUER);
  let refreshed: RefreshedToken;
  try {
    refreshed = await refreshAccessToken({
      tokenEndpoint: token_endpoint,
      clientId: config.GOOGLE_CLIENT_ID,
      clientSecret: config.GOOGLE_CLIENT_SECRET,
      refreshToken,
    });
  } catch (error) {
    if (error instanceof InvalidGrantError) {
      await pauseForInvalidGrant(prisma, account, error.reason);
      throw new ReconnectNeededError(accountId, error.reason);
    }
    throw error;
  }

  const sealer = tokenSealer();
  const usedAt = new Date();
  await prisma.$transaction(async (tx) => {
    await tx.account.update({
      where: { id: accountId },
      data: {
        accessTokenSealed: sealer.seal(
          refreshed.accessToken,
          accountTokenPlace(accountId, "accessTokenSealed"),
        ),
        accessTokenExpiresAt: refreshed.expiresAt,
        lastRefreshedAt: usedAt,
        refreshTokenUsedAt: usedAt,
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
    await releaseRefreshLease(tx, accountId);
    // Google took a token older than a Testing app's grants live: the app is not in Testing.
    if (outlivesTesting(account.consentedAt, usedAt)) await forgetTestingInferred(tx);
    await recordAuditEvent(tx, {
      kind: "token_refreshed",
      userId: account.userId,
      email: account.email,
      detail: `Access token refreshed${forced ? " after Gmail refused the old one" : ""}; valid until ${refreshed.expiresAt.toISOString()}`,
    });
  });
  return {
    accessToken: refreshed.accessToken,
    expiresAt: refreshed.expiresAt,
    email: account.email,
  };
}

/**
 * Google refused the refresh token: the token doctor names the likely cause from the account's
 * consent and last use, stored with the pause; a death 7 days after consent is remembered as
 * evidence that the OAuth app is in Testing.
 */
async function pauseForInvalidGrant(prisma: Db, account: Account, reason: string): Promise<void> {
  const refusedAt = new Date();
  const history = { consentedAt: account.consentedAt, lastUsedAt: account.refreshTokenUsedAt };
  const mode = await testingMode(prisma);
  const { cause, testingEvidence } = diagnoseInvalidGrant(history, refusedAt, mode.testing);
  const { title } = explainInvalidGrant(cause, history, refusedAt);
  await markReconnectNeeded(account.id, reason, {
    cause,
    audit: {
      kind: "refresh_refused",
      userId: account.userId,
      email: account.email,
      detail: `Google answered invalid_grant: ${reason} Likely cause: ${title}.`,
    },
    then: testingEvidence ? (tx) => rememberTestingInferred(tx, refusedAt) : undefined,
  });
}

/** The refresh token in plaintext; with none that opens, pauses the account for a sign-in. */
async function openRefreshTokenOrPause(account: Account): Promise<string> {
  if (!account.refreshTokenSealed) {
    const reason = "Google did not return a refresh token; sign in again and grant offline access.";
    await markReconnectNeeded(account.id, reason);
    throw new ReconnectNeededError(account.id, reason);
  }
  const sealed = account.refreshTokenSealed;
  const refreshToken = openOrNull(() =>
    tokenSealer().open(sealed, accountTokenPlace(account.id, "refreshTokenSealed")),
  );
  if (refreshToken === null) {
    // Sealed under a key this process lacks, altered, or copied from another row: only a new
    // sign-in can replace it, so the account waits for one instead of retrying forever.
    const reason =
      "The stored Google token cannot be opened (sealed under a key Mailroom no longer has, or altered); sign in again to store a new one.";
    await markReconnectNeeded(account.id, reason);
    throw new ReconnectNeededError(account.id, reason);
  }
  return refreshToken;
}

async function readAccount(prisma: Db, accountId: string): Promise<Account> {
  const account = await prisma.account.findUnique({ where: { id: accountId } });
  if (!account) throw new AppError("not_found", "Google account not found");
  if (account.reconnectReason) throw new ReconnectNeededError(accountId, account.reconnectReason);
  return account;
}

/** The row's access token if this caller takes it: fresh, it opens, and it is not the refused. */
function storedToken(account: Account, wanted: Wanted): AccessToken | null {
  const expiresAt = account.accessTokenExpiresAt;
  if (!expiresAt || !isFresh(expiresAt)) return null;
  const accessToken = openAccessToken(account);
  if (accessToken === undefined || (wanted.forced && accessToken === wanted.refused)) return null;
  return { accessToken, expiresAt, email: account.email };
}

function openAccessToken(account: Account): string | undefined {
  const sealed = account.accessTokenSealed;
  if (!sealed) return undefined;
  const place = accountTokenPlace(account.id, "accessTokenSealed");
  return openOrNull(() => tokenSealer().open(sealed, place)) ?? undefined;
}

/**
 * Caches the token. `replaced`, or a token other than the one cached before, marks it as
 * replacing what this process handed out, for the forced calls that follow.
 */
function remember(
  accountId: string,
  token: AccessToken,
  options: { replaced?: boolean } = {},
): AccessToken {
  const previous = cache.get(accountId);
  const replaced = options.replaced || (!!previous && previous.accessToken !== token.accessToken);
  const entry = replaced ? { ...token, replacedAt: Date.now() } : token;
  cache.set(accountId, entry);
  return entry;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Pauses the account until its owner reconnects. With the change, if this call made it: the
 * token doctor's `cause`, the `audit` event, and `then`.
 */
export async function markReconnectNeeded(
  accountId: string,
  reason: string,
  options: { cause?: InvalidGrantCause; audit?: AuditEntry; then?: (tx: Tx) => Promise<void> } = {},
): Promise<void> {
  cache.delete(accountId);
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.account.updateMany({
      where: { id: accountId, reconnectReason: null },
      data: {
        reconnectReason: reason,
        reconnectSince: new Date(),
        reconnectCause: options.cause ?? null,
      },
    });
    if (count !== 1) return;
    if (options.audit) await recordAuditEvent(tx, options.audit);
    await options.then?.(tx);
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
