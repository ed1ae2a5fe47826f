// The From addresses a user can send from: the connected Google account's address (the outbox
// sends from that account, and compose offers the same list).
import "server-only";
import type { Db } from "../db";

export async function senderAddresses(prisma: Db, userId: string): Promise<string[]> {
  const accounts = await prisma.account.findMany({
    where: { userId, provider: "google" },
    select: { email: true },
    orderBy: { createdAt: "asc" },
  });
  return [...new Set(accounts.map((a) => a.email.toLowerCase()))];
}
