// The Google account a user sends from — the same one the outbox picks — and never anyone else's.
import "server-only";
import { db } from "../db";

export async function findUserAccount(userId: string) {
  const prisma = await db();
  return prisma.account.findFirst({
    where: { userId, provider: "google" },
    orderBy: { createdAt: "asc" },
  });
}
