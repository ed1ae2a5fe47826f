// The MessageEvent rows the PostgreSQL engine writes beside each status change.
import type pg from "pg";
import type { EventRow } from "../event-row";
import { newId } from "../new-id";
import { prepared } from "./prepared";

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

/**
 * Inserts the events in one statement, stamped `at` (one time for all, or one per event); an id
 * already there is skipped.
 */
export async function insertEvents(
  client: pg.Pool | pg.PoolClient,
  events: EventRow[],
  at: Date | Date[],
  ids: EventIds = () => newId(),
): Promise<void> {
  if (events.length === 0) return;
  await client.query(INSERT_EVENTS(eventParams(events, at, ids)));
}

const INSERT_EVENTS = prepared("insert_events", eventsInsert(1));

/**
 * The INSERT of events whose eight arrays (eventParams) are parameters `first`…`first + 7`: to
 * end a statement that writes their messages' rows in its WITH clause, in the same round trip.
 */
export function eventsInsert(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO "MessageEvent" (id, "messageId", type, status, "smtpCode", "smtpReply", detail, "createdAt")
     SELECT * FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[],
                          ${p(4)}::int[], ${p(5)}::text[], ${p(6)}::text[], ${p(7)}::timestamptz[])
     ON CONFLICT (id) DO NOTHING`;
}

export function eventParams(
  events: EventRow[],
  at: Date | Date[],
  ids: EventIds = () => newId(),
): unknown[] {
  return [
    events.map((_, index) => ids(index)),
    events.map((e) => e.messageId),
    events.map((e) => e.type),
    events.map((e) => e.status ?? null),
    events.map((e) => e.smtpCode ?? null),
    events.map((e) => e.smtpReply ?? null),
    events.map((e) => e.detail ?? null),
    Array.isArray(at) ? at : events.map(() => at),
  ];
}
