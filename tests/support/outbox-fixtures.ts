// What the outbox's tests share: limits that never hold a message back, and a user with a
// connected Google account to send from.
import type { Db } from "../../lib/db";
import type { LimitSettings } from "../../lib/sending/sending-limits";

/** Limits far above any test's volume, no pace: claims are decided by due time alone. */
export const UNLIMITED: LimitSettings = {
  dailyLimit: 1_000_000,
  workspaceDailyLimit: 1_000_000,
  workspaceRecipientLimit: 1_000_000,
  windowMs: 24 * 3_600_000,
  paceMs: 0,
};

export interface TestSender {
  userId: string;
  accountId: string;
  email: string;
}

/** A user whose Google account (`email`) is connected, as sign-in leaves it. */
export async function createSender(prisma: Db, email: string): Promise<TestSender> {
  const user = await prisma.user.create({ data: { email } });
  const account = await prisma.account.create({
    data: { userId: user.id, provider: "google", providerAccountId: email, email },
  });
  return { userId: user.id, accountId: account.id, email };
}
