// The MessageEvent rows the PostgreSQL engine writes beside each status change.
import type pg from "pg";
import type { EventRow } from "../event-row";
import { newId } from "../new-id";

export type { EventRow };

/** The id of the `index`-th event of a write: a new one each time, unless the write is redone. */
export type EventIds = (index: number) => string;

/**
 * Ids that stay the same across tries of one write: a retried write whose first try committed
 * without saying so inserts nothing twice.
 */
export function stableEventIds(): EventIds {
  const ids: string[] = [];
  return (index) => (ids[index] ??= newId());
}

/** Inserts the events in one statement, all stamped `at`; an id already there is skipped. */
export async function insertEvents(
  client: pg.Pool | pg.PoolClient,
  events: EventRow[],
  at: Date,
  ids: EventIds = () => newId(),
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO "MessageEvent" (id, "messageId", type, status, "smtpCode", "smtpReply", detail, "createdAt")
     SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                           $5::int[], $6::text[], $7::text[])
     ON CONFLICT (id) DO NOTHING`,
    [
      events.map((_, index) => ids(index)),
      events.map((e) => e.messageId),
      events.map((e) => e.type),
      events.map((e) => e.status ?? null),
      events.map((e) => e.smtpCode ?? null),
      events.map((e) => e.smtpReply ?? null),
      events.map((e) => e.detail ?? null),
      at,
    ],
  );
}
