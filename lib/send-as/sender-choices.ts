// The From addresses a user may send as: each connected Google account's own address, then the
// aliases Gmail has verified for it (unverified ones are not offered), with Gmail's display name
// and reply-to, and when Gmail was last asked. Only the user's own accounts are read.
import "server-only";
import type { Db } from "../db";

export interface SenderChoice {
  address: string;
  displayName: string;
  /** Gmail's reply-to for the address; empty = none. */
  replyTo: string;
  isPrimary: boolean;
  /** Gmail's default From (the account's own address unless an alias is marked default). */
  isDefault: boolean;
}

export interface SenderChoices {
  choices: SenderChoice[];
  /** When Gmail's list was last stored; null = never (the account's own address only). */
  refreshedAt: Date | null;
}

export const VERIFIED = "accepted";

export async function senderChoices(prisma: Db, userId: string): Promise<SenderChoices> {
  const accounts = await prisma.account.findMany({
    where: { userId, provider: "google" },
    select: { email: true, sendAsAddresses: { orderBy: { address: "asc" } } },
    orderBy: { createdAt: "asc" },
  });
  const choices = new Map<string, SenderChoice>();
  let refreshedAt: Date | null = null;
  for (const account of accounts) {
    const own = account.email.toLowerCase();
    const listed = account.sendAsAddresses;
    const ownListed = listed.find((s) => s.address === own);
    const aliasDefault = listed.some((s) => s.address !== own && s.isDefault && isVerified(s));
    choices.set(own, {
      address: own,
      displayName: ownListed?.displayName ?? "",
      replyTo: ownListed?.replyTo ?? "",
      isPrimary: true,
      isDefault: !aliasDefault,
    });
    for (const s of listed) {
      if (refreshedAt === null || s.refreshedAt > refreshedAt) refreshedAt = s.refreshedAt;
      if (s.address === own || !isVerified(s) || choices.has(s.address)) continue;
      choices.set(s.address, {
        address: s.address,
        displayName: s.displayName,
        replyTo: s.replyTo,
        isPrimary: false,
        isDefault: s.isDefault,
      });
    }
  }
  return { choices: [...choices.values()], refreshedAt };
}

export function isVerified(s: { verificationStatus: string }): boolean {
  return s.verificationStatus === VERIFIED;
}

/** "Ann Example <ann@example.com>", or the bare address when Gmail has no name for it. */
export function senderLabel(choice: { address: string; displayName: string }): string {
  return choice.displayName ? `${choice.displayName} <${choice.address}>` : choice.address;
}
