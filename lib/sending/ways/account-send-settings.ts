// How an account sends, as the worker needs it: its way and, for the app-password way, the
// password opened from its seal. Every claim says which settings the account has now (its
// sendVersion); a worker reads the row again whenever that differs from what it read before, so
// a change on the status page applies to the next message claimed, in every process.
import "server-only";
import { accountTokenPlace } from "../../crypto/sealed-columns";
import { tokenSealer } from "../../crypto/sealer";
import { SealError } from "../../crypto/token-sealer";
import { db } from "../../db";
import { markReconnectNeeded, ReconnectNeededError } from "../../google/access-token";
import { sendWayOf, type SendWay } from "./send-ways";

export interface SendSettings {
  way: SendWay;
  /** The app password, for the app-password way. */
  appPassword?: string;
  /** The claim's sendVersion these settings were read for: a transport built for another is stale. */
  version: string;
}

const cache = new Map<string, SendSettings>();

export async function sendSettingsFor(account: {
  id: string;
  sendVersion: string;
}): Promise<SendSettings> {
  const accountId = account.id;
  const cached = cache.get(accountId);
  if (cached?.version === account.sendVersion) return cached;
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
    appPassword = openAppPassword(accountId, row.appPasswordSealed);
    if (appPassword === undefined) {
      throw await needsReconnect(accountId, "the stored app password does not open; add it again");
    }
  }
  const settings: SendSettings = { way, appPassword, version: account.sendVersion };
  cache.set(accountId, settings);
  return settings;
}

/** The account's stored app password, or undefined when its seal does not open with our keys. */
export function openAppPassword(accountId: string, sealed: string): string | undefined {
  try {
    return tokenSealer().open(sealed, accountTokenPlace(accountId, "appPasswordSealed"));
  } catch (error) {
    if (error instanceof SealError) return undefined;
    throw error;
  }
}

/** Pauses the account until its owner adds an app password on the status page. */
async function needsReconnect(accountId: string, reason: string): Promise<ReconnectNeededError> {
  await markReconnectNeeded(accountId, reason);
  return new ReconnectNeededError(accountId, reason);
}
