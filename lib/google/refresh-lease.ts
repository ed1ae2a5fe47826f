// The right to call Google's token endpoint for one account, held in the account's row
// (refreshLeaseBy, refreshLeaseUntil): one process on one machine refreshes, the others wait
// for the token it stores. A lease left by a crashed process lapses on its own.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "../db";

/**
 * How long a lease lasts: longer than a refresh takes (its request gives up after 15 s), far
 * longer than the clocks of the machines sharing the database are apart.
 */
export const REFRESH_LEASE_MS = 30_000;

/** This process, as written into refreshLeaseBy. */
const holder = randomUUID();

type LeaseWriter = Pick<Db, "account">;

/** Takes the account's lease if nobody holds it or its holder's time is up; true when taken. */
export async function takeRefreshLease(prisma: Db, accountId: string): Promise<boolean> {
  const now = new Date();
  const { count } = await prisma.account.updateMany({
    where: {
      id: accountId,
      OR: [{ refreshLeaseUntil: null }, { refreshLeaseUntil: { lt: now } }],
    },
    data: {
      refreshLeaseBy: holder,
      refreshLeaseUntil: new Date(now.getTime() + REFRESH_LEASE_MS),
    },
  });
  return count === 1;
}

/**
 * Gives the lease back if this process still holds it (one whose time ran out may have been
 * taken by another). Pass the transaction that stores the refreshed token, to do both at once.
 */
export async function releaseRefreshLease(client: LeaseWriter, accountId: string): Promise<void> {
  await client.account.updateMany({
    where: { id: accountId, refreshLeaseBy: holder },
    data: { refreshLeaseBy: null, refreshLeaseUntil: null },
  });
}

/** Whether another process may take the lease now: nobody holds it, or its time is up. */
export function refreshLeaseOpen(account: { refreshLeaseUntil: Date | null }): boolean {
  return account.refreshLeaseUntil === null || account.refreshLeaseUntil.getTime() < Date.now();
}
