// The PostgreSQL engine's transactions: a non-durable one (a claim's lease, the record of a 250)
// commits without waiting for the disk, and that setting never leaks into the next transaction
// on the same pooled connection. Runs on TEST_POSTGRES_URL's server (skipped, with a line saying
// how to run it, without it).
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresPool } from "../../../lib/postgres/pool";
import { inTransaction } from "../../../lib/outbox/postgres/transaction";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../../support/test-postgres";

warnWithoutPostgres("the PostgreSQL transaction settings");
describe.skipIf(!postgresUrl)("PostgreSQL transactions", () => {
  let database: TestPostgresDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestPostgresDatabase({ migrate: false });
    // One connection: every transaction below runs on the same session.
    pool = openPostgresPool(database.url, { max: 1, name: "transaction-test" });
    await pool.query("CREATE TABLE note (body text NOT NULL)");
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const syncSetting = (client: pg.PoolClient) =>
    client
      .query<{ synchronous_commit: string }>("SHOW synchronous_commit")
      .then((r) => r.rows[0]?.synchronous_commit);

  it("commits a non-durable transaction without a flush, and only that one", async () => {
    expect(await inTransaction(pool, syncSetting)).toBe("on");
    const inside = await inTransaction(
      pool,
      async (client) => {
        await client.query("INSERT INTO note (body) VALUES ('lease')");
        return syncSetting(client);
      },
      { durable: false },
    );
    expect(inside).toBe("off");
    // Same connection, next transaction: durable again.
    expect(await inTransaction(pool, syncSetting)).toBe("on");
    const { rows } = await pool.query<{ body: string }>("SELECT body FROM note");
    expect(rows.map((r) => r.body)).toEqual(["lease"]);
  });

  it("rolls a failed non-durable transaction back, and the next one is durable", async () => {
    await expect(
      inTransaction(
        pool,
        async (client) => {
          await client.query("INSERT INTO note (body) VALUES ('lost')");
          throw new Error("work failed");
        },
        { durable: false },
      ),
    ).rejects.toThrow("work failed");
    const { rows } = await pool.query<{ body: string }>(
      "SELECT body FROM note WHERE body = 'lost'",
    );
    expect(rows).toEqual([]);
    expect(await inTransaction(pool, syncSetting)).toBe("on");
  });
});
