// Seals and stores the tokens Google returned at sign-in. next-auth writes an account only on
// first link, so this runs on every sign-in; a reconnect also clears "reconnect needed".
import "server-only";
import { recordAuditEvent } from "../audit/record-audit-event";
import { accountTokenPlace } from "../crypto/sealed-columns";
import { tokenSealer } from "../crypto/sealer";
import type { Db } from "../db";
import { forgetAccessToken } from "../google/access-token";
import { closeTransport } from "../mail/transport-pool";
import { outbox } from "../outbox/open-outbox";
import { sendWayOf, wayHasScope } from "../sending/ways/send-ways";

export interface GoogleSignInTokens {
  provider: string;
  providerAccountId: string;
  access_token?: string;
  refresh_token?: string;
  expires_at?: number;
  scope?: string;
}

export async function saveGoogleTokens(
  prisma: Db,
  tokens: GoogleSignInTokens,
  profile: { email?: string; hd?: string },
): Promise<{ accountId: string } | null> {
  const sealer = tokenSealer();
  const account = await prisma.account.findUnique({
    where: {
      provider_providerAccountId: {
        provider: tokens.provider,
        providerAccountId: tokens.providerAccountId,
      },
    },
  });
  if (!account) return null;
  const email = profile.email?.toLowerCase();
  const now = new Date();
  await prisma.$transaction(async (tx) => {
    await tx.account.update({
      where: { id: account.id },
      data: {
        ...(email ? { email } : {}),
        hostedDomain: profile.hd ?? null,
        scope: tokens.scope ?? account.scope,
        // A grant of gmail.send alone (the Gmail API sign-in) can only send with the Gmail API.
        ...(wayHasScope(sendWayOf(account.sendWay), tokens.scope ?? account.scope) ||
        !wayHasScope("gmail_api", tokens.scope ?? account.scope)
          ? {}
          : { sendWay: "gmail_api" }),
        accessTokenSealed: tokens.access_token
          ? sealer.seal(tokens.access_token, accountTokenPlace(account.id, "accessTokenSealed"))
          : account.accessTokenSealed,
        accessTokenExpiresAt: tokens.expires_at
          ? new Date(tokens.expires_at * 1000)
          : account.accessTokenExpiresAt,
        // Google sends a refresh token only on consent; keep the stored one otherwise. A new one
        // starts the token doctor's clock: consent now, not used yet.
        ...(tokens.refresh_token
          ? {
              refreshTokenSealed: sealer.seal(
                tokens.refresh_token,
                accountTokenPlace(account.id, "refreshTokenSealed"),
              ),
              consentedAt: now,
              refreshTokenUsedAt: null,
            }
          : {}),
        lastRefreshedAt: now,
        reconnectReason: null,
        reconnectSince: null,
        reconnectCause: null,
      },
    });
    // Google's address is the truth: follow a renamed account unless another user holds the name.
    if (email) {
      const taken = await tx.user.findUnique({ where: { email }, select: { id: true } });
      if (!taken) await tx.user.update({ where: { id: account.userId }, data: { email } });
      // The user's API keys may send From the account's address: the new one, not the old.
      if (email !== account.email) await renameInKeys(tx, account.userId, account.email, email);
    }
    if (account.reconnectReason) {
      await recordAuditEvent(tx, {
        kind: "reconnected",
        userId: account.userId,
        email: email ?? account.email,
        detail: `Reconnected after: ${account.reconnectReason}`,
      });
    }
  });
  // Drop the old token and pooled connections so waiting messages go out with the new grant.
  forgetAccessToken(account.id);
  closeTransport(account.id);
  // Its waiting messages are due now.
  (await outbox()).signalDue();
  return { accountId: account.id };
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Replaces `from` with `to` in the allowed From list of each of the user's keys that holds it. */
async function renameInKeys(tx: Tx, userId: string, from: string, to: string): Promise<void> {
  const keys = await tx.apiKey.findMany({
    where: { userId },
    select: { id: true, allowedFrom: true },
  });
  for (const key of keys) {
    const list = Array.isArray(key.allowedFrom)
      ? key.allowedFrom.filter((a): a is string => typeof a === "string")
      : [];
    if (!list.includes(from)) continue;
    const renamed = [...new Set(list.map((a) => (a === from ? to : a)))];
    await tx.apiKey.update({ where: { id: key.id }, data: { allowedFrom: renamed } });
  }
}
