// The least a durable outbox on PostgreSQL does for each message, in the plainest SQL: one table,
// no events, no search terms, no limits, no per-account locks, no Prisma. Used by the minimal
// outbox phase (bench/minimal-outbox-phase.ts, --db postgres runs): the phase's process accepts
// (a durable commit per batch, as Mailroom's accept is), worker processes claim with
// FOR UPDATE SKIP LOCKED under a lease, send, and record each 250 durably, batched (group
// commit). What it costs on top of bare is the least any outbox on this server adds.
import type pg from "pg";

export const MINIMAL_SCHEMA = `
  CREATE TABLE outbox (
    id bigint PRIMARY KEY,
    account int NOT NULL,
    status smallint NOT NULL DEFAULT 0,
    lease_until timestamptz,
    attempts int NOT NULL DEFAULT 0,
    mime bytea NOT NULL,
    sent_at timestamptz
  );
  CREATE INDEX outbox_due ON outbox (id) WHERE status = 0;
`;

/** Statuses: 0 queued, 1 sending (leased), 2 sent. */
export const SENT = 2;

export async function acceptBatch(
  client: pg.Client,
  rows: { id: number; account: number; mime: Buffer }[],
): Promise<void> {
  await client.query(
    "INSERT INTO outbox (id, account, mime) SELECT * FROM unnest($1::bigint[], $2::int[], $3::bytea[])",
    [rows.map((r) => r.id), rows.map((r) => r.account), rows.map((r) => r.mime)],
  );
}

/** Leases up to `max` queued messages; a lease is cheap to lose, so it commits asynchronously. */
export async function claimBatch(
  client: pg.Client,
  max: number,
): Promise<{ id: number; account: number; mime: Buffer }[]> {
  const { rows } = await client.query<{ id: string; account: number; mime: Buffer }>({
    name: "minimal_claim",
    text: `UPDATE outbox SET status = 1, lease_until = now() + interval '5 minutes',
             attempts = attempts + 1
           WHERE id IN (SELECT id FROM outbox WHERE status = 0 ORDER BY id LIMIT $1
                        FOR UPDATE SKIP LOCKED)
           RETURNING id, account, mime`,
    values: [max],
  });
  return rows.map((r) => ({ id: Number(r.id), account: r.account, mime: r.mime }));
}

export async function recordSent(client: pg.Client, ids: number[]): Promise<void> {
  await client.query({
    name: "minimal_sent",
    text: "UPDATE outbox SET status = 2, sent_at = now(), lease_until = NULL WHERE id = ANY($1::bigint[])",
    values: [ids],
  });
}
