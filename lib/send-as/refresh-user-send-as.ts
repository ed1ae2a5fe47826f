// "Refresh addresses": asks Gmail again for the send-as addresses of each of the user's own
// Google accounts (a user refreshes only their own).
import "server-only";
import { db } from "../db";
import { AppError } from "../errors/app-error";
import { refreshSendAsAddresses } from "./refresh-send-as-addresses";

export async function refreshUserSendAs(userId: string): Promise<{ refreshedAt: Date }> {
  const prisma = await db();
  const accounts = await prisma.account.findMany({
    where: { userId, provider: "google" },
    select: { id: true },
  });
  if (accounts.length === 0) {
    throw new AppError("conflict", "Connect a Google account before refreshing its addresses.");
  }
  let refreshedAt = new Date();
  for (const account of accounts) {
    try {
      ({ refreshedAt } = await refreshSendAsAddresses(account.id));
    } catch (error) {
      // Gmail down or slow is worth a sentence and a retry, not "Something went wrong".
      if (error instanceof AppError && error.code === "google_unavailable") {
        throw new AppError(
          "conflict",
          "Gmail did not answer; the addresses were not refreshed. Try again in a minute.",
        );
      }
      throw error;
    }
  }
  return { refreshedAt };
}
