// Claims due messages for a worker through the outbox: the oldest due messages are leased
// (status "sending", lockedUntil, worker id) with their "attempt" events; a message whose lease
// expired (its worker died) is claimable again. Daily limits and pacing are applied there,
// before anything is sent.
import type { ClaimedMessage, Outbox } from "../outbox/outbox";
import { limitSettings } from "./sending-limits";

export const LEASE_MS = 2 * 60_000;

/** Leases up to `max` due messages for `workerId`, oldest first. */
export async function claimMessages(
  store: Outbox,
  workerId: string,
  max: number,
  now = new Date(),
): Promise<ClaimedMessage[]> {
  if (max < 1) return [];
  return store.claim({
    workerId,
    max,
    now,
    lockedUntil: new Date(now.getTime() + LEASE_MS),
    limits: limitSettings(),
  });
}

/** Leases the oldest due message, or null when none is due. */
export async function claimNextMessage(
  store: Outbox,
  workerId: string,
  now = new Date(),
): Promise<ClaimedMessage | null> {
  return (await claimMessages(store, workerId, 1, now))[0] ?? null;
}
