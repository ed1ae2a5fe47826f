// The one warning about a user's Google access that every dashboard page shows: sending is paused
// for a reconnect, or an app in Testing ends the account's grant within 48 hours (or already did).
import "server-only";
import { db } from "../db";
import { testingExpiry } from "../google/testing-expiry";
import { testingMode } from "../google/testing-mode";
import { sendWayOf, type SendWay } from "../sending/ways/send-ways";
import { findUserAccount } from "./find-user-account";

export type TokenWarning =
  /** `way`: an app password is replaced on the status page, not with Google's consent. */
  | { kind: "reconnect"; email: string; way: SendWay }
  | { kind: "expiring"; email: string; expiresAt: Date; state: "soon" | "past" };

export async function getTokenWarning(
  userId: string,
  now = new Date(),
): Promise<TokenWarning | null> {
  const account = await findUserAccount(userId);
  if (!account) return null;
  const way = sendWayOf(account.sendWay);
  if (account.reconnectReason !== null) return { kind: "reconnect", email: account.email, way };
  // An account that sends with an app password does not depend on its OAuth grant.
  if (!account.consentedAt || way === "app_password") return null;
  const mode = await testingMode(await db());
  if (!mode.testing) return null;
  const { expiresAt, state } = testingExpiry(account.consentedAt, now);
  return state === "later" ? null : { kind: "expiring", email: account.email, expiresAt, state };
}
