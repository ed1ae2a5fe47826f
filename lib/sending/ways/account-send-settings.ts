// How an account sends, as the worker needs it: its way and, for the app-password way, the
// password opened from its seal. Read from the database at most every few seconds per account,
// so a change on the status page reaches every worker on every machine within that time.
import "server-only";
import { accountTokenPlace } from "../../crypto/sealed-columns";
import { tokenSealer } from "../../crypto/sealer";
import { SealError } from "../../crypto/token-sealer";
import { db } from "../../db";
import { markReconnectNeeded, ReconnectNeededError } from "../../google/access-token";
import { sendWayOf, type SendWay } from "./send-ways";

const FRESH_MS = 5_000;

export interface SendSettings {
  way: SendWay;
  /** The app password, for the app-password way. */
  appPassword?: string;
  /** Changes whenever the way or the password does: a transport built for other settings is stale. */
  version: string;
}

const cache = new Map<string, { settings: SendSettings; readAt: number }>();

export async function sendSettingsFor(accountId: string): Promise<SendSettings> {
  const cached = cache.get(accountId);
  if (cached && Date.now() - cached.readAt < FRESH_MS) return cached.settings;
  const prisma = await db();
  const row = await prisma.account.findUnique({
    where: { id: accountId },
    select: { sendWay: true, appPasswordSealed: true, appPasswordAddedAt: true },
  });
  const way = sendWayOf(row?.sendWay);
  let appPassword: string | undefined;
  if (way === "app_password") {
    if (!row?.appPasswordSealed) {
      throw await needsReconnect(accountId, "no app password is stored for this account");
    }
    try {
      appPassword = tokenSealer().open(
        row.appPasswordSealed,
        accountTokenPlace(accountId, "appPasswordSealed"),
      );
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      throw await needsReconnect(accountId, "the stored app password does not open; add it again");
    }
  }
  const settings: SendSettings = {
    way,
    appPassword,
    version: `${way}:${row?.appPasswordAddedAt?.getTime() ?? 0}`,
  };
  cache.set(accountId, { settings, readAt: Date.now() });
  return settings;
}

/** Forgets what this process read, after the account's way or password changed here. */
export function forgetSendSettings(accountId: string): void {
  cache.delete(accountId);
}

/** Pauses the account until its owner adds an app password on the status page. */
async function needsReconnect(accountId: string, reason: string): Promise<ReconnectNeededError> {
  await markReconnectNeeded(accountId, reason);
  return new ReconnectNeededError(accountId, reason);
}
