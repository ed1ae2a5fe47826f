// Which address a message may go out as: the account's own address, or one of its send-as aliases
// that Gmail has verified (compared case-insensitively). Gmail would rewrite any other From to the
// account's address, so it is refused here with a sentence that says what to do.
import "server-only";
import { Prisma } from "../generated/prisma/client";
import { db, hotRead } from "../db";
import { AppError } from "../errors/app-error";
import { isVerified } from "./sender-choices";

export interface ResolvedSender {
  /** Lowercase for an alias; the account's address as stored for the account's own. */
  address: string;
  /** Gmail's display name for the address, the From header's default. */
  displayName: string;
  /** Gmail's reply-to for the address; empty = none. */
  replyTo: string;
}

interface SendAsRow {
  address: string;
  displayName: string;
  replyTo: string;
  verificationStatus: string;
}

export async function resolveSender(
  account: { id: string; email: string },
  from: string,
): Promise<ResolvedSender> {
  const wanted = from.trim().toLowerCase();
  // Every accept (compose, API, relay) asks this: one SQL query prepared once, not Prisma's query
  // engine, which costs about a millisecond of CPU per call.
  const [listed] = await hotRead<SendAsRow>(
    await db(),
    Prisma.sql`
    SELECT address, "displayName", "replyTo", "verificationStatus" FROM "SendAsAddress"
    WHERE "accountId" = ${account.id} AND address = ${wanted}`,
  );
  if (wanted === account.email.toLowerCase()) {
    return {
      address: account.email,
      displayName: listed?.displayName ?? "",
      replyTo: listed?.replyTo ?? "",
    };
  }
  if (!listed) {
    const sentence = `${wanted} is not an address the connected Google account sends as. Send from ${account.email} or one of its verified Gmail aliases (added one in Gmail? Refresh the addresses in compose).`;
    throw new AppError("invalid_input", sentence, { from: sentence });
  }
  if (!isVerified(listed)) {
    const sentence = `${wanted} is not verified in Gmail yet: confirm it in Gmail's settings (Accounts → Send mail as), then refresh the addresses.`;
    throw new AppError("invalid_input", sentence, { from: sentence });
  }
  return { address: listed.address, displayName: listed.displayName, replyTo: listed.replyTo };
}
