// Seals and stores the tokens Google returned at sign-in. next-auth writes an account only on
// first link, so this runs on every sign-in; a reconnect also clears "reconnect needed".
import "server-only";
import { tokenSealer } from "../crypto/sealer";
import type { Db } from "../db";
import { forgetAccessToken } from "../google/access-token";
import { closeTransport } from "../mail/transport-pool";
import { wakeWorkers } from "../queue/wake-workers";

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
): Promise<void> {
  const sealer = tokenSealer();
  const account = await prisma.account.findUnique({
    where: {
      provider_providerAccountId: {
        provider: tokens.provider,
        providerAccountId: tokens.providerAccountId,
      },
    },
  });
  if (!account) return;
  await prisma.account.update({
    where: { id: account.id },
    data: {
      ...(profile.email ? { email: profile.email } : {}),
      hostedDomain: profile.hd ?? null,
      scope: tokens.scope ?? account.scope,
      accessTokenSealed: tokens.access_token
        ? sealer.seal(tokens.access_token)
        : account.accessTokenSealed,
      accessTokenExpiresAt: tokens.expires_at
        ? new Date(tokens.expires_at * 1000)
        : account.accessTokenExpiresAt,
      // Google sends a refresh token only on consent; keep the stored one otherwise.
      ...(tokens.refresh_token ? { refreshTokenSealed: sealer.seal(tokens.refresh_token) } : {}),
      lastRefreshedAt: new Date(),
      reconnectReason: null,
      reconnectSince: null,
    },
  });
  // Drop the old token and pooled connections so waiting messages go out with the new grant.
  forgetAccessToken(account.id);
  closeTransport(account.id);
  wakeWorkers();
}
