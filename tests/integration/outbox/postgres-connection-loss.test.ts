// The PostgreSQL engine when a connection dies under it (server restart, pg_terminate_backend,
// network): the process lives on, nothing is left leased to nobody, and the pool heals. Only
// this engine has connections to lose, so these are not in the shared contract.
import pg, { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDb, type Db } from "../../../lib/db";
import { openOutbox } from "../../../lib/outbox/open-outbox";
import type { Outbox } from "../../../lib/outbox/outbox";
import { inTransaction, isConnectionError } from "../../../lib/outbox/postgres/transaction";
import { openPostgresPool } from "../../../lib/postgres/pool";
import { sleep } from "../../support/crash-probes";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../../support/test-postgres";
import { createSender, UNLIMITED } from "../../support/outbox-fixtures";

/** What pg reports when the server ends the connection (pg_terminate_backend, a restart). */
function connectionLost(): Error {
  const error = new Error("terminating connection due to administrator command");
  return Object.assign(error, { code: "57P01" });
}

type Query = (...args: unknown[]) => unknown;

/** The SQL of a query call's first argument: a string, or a (named) query config. */
function statementText(query: unknown): string {
  return typeof query === "string" ? query : String((query as { text?: unknown }).text);
}

/** Puts `fake` in front of every `query` call on the prototype until the spy is restored. */
function interceptQueries(
  prototype: object,
  fake: (real: () => unknown, args: unknown[]) => unknown,
) {
  const real = Reflect.get(prototype, "query") as Query;
  return vi.spyOn(prototype as { query: Query }, "query").mockImplementation(function (
    this: unknown,
    ...args: unknown[]
  ) {
    return fake(() => real.apply(this, args), args);
  });
}

warnWithoutPostgres("the PostgreSQL outbox losing connections");
describe.skipIf(!postgresUrl)("the PostgreSQL outbox losing connections", () => {
  let database: TestPostgresDatabase;
  let prisma: Db;
  let outbox: Outbox;
  let admin: Client;
  let sender: { userId: string; accountId: string; email: string };

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    prisma = await openDb(database.url);
    outbox = openOutbox(database.url, () => Promise.resolve(prisma));
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    sender = await createSender(prisma, "lost@connection.test");
  });

  afterAll(async () => {
    await admin?.end();
    await outbox?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  async function acceptOne(subject: string): Promise<string> {
    const accepted = await outbox.accept({
      userId: sender.userId,
      accountId: sender.accountId,
      source: "api",
      messageIdHeader: `<${subject}@example.test>`,
      fromAddress: sender.email,
      to: ["to@example.org"],
      cc: [],
      bcc: [],
      subject,
      textBody: "hello",
      mime: Buffer.from(`Subject: ${subject}\r\n\r\nhello\r\n`),
      queuedDetail: "Accepted into the outbox",
    });
    if (!("id" in accepted)) throw new Error("refused");
    return accepted.id;
  }

  function claimAll(workerId: string) {
    const now = new Date();
    return outbox.claim({
      workerId,
      max: 10,
      now,
      lockedUntil: new Date(now.getTime() + 60_000),
      limits: UNLIMITED,
    });
  }

  it("fails a transaction whose connection dies between statements, without crashing, and heals", async () => {
    const pool = openPostgresPool(database.url, { max: 1, name: "mailroom-loss-test" });
    try {
      const failure = await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
        // The server's goodbye arrives while this transaction holds the connection, idle.
        await sleep(300);
        await client.query("SELECT 1");
      }).catch((error: unknown) => error);
      expect(isConnectionError(failure)).toBe(true);
      // The dead connection was not put back: the next transaction gets a new one.
      await expect(
        inTransaction(pool, (client) =>
          client.query<{ one: number }>("SELECT 1 AS one").then((r) => r.rows),
        ),
      ).resolves.toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it("leases nothing when the connection dies in the middle of a claim: the next claim takes the message", async () => {
    const id = await acceptOne("mid-claim");

    // The connection is lost on the claim's last statement (lease, events and MIME), before
    // its COMMIT: the server rolls the whole claim back.
    let leaseStatements = 0;
    const query = interceptQueries(pg.Client.prototype, (real, args) =>
      statementText(args[0]).includes('JOIN "MessageContent"') && leaseStatements++ === 0
        ? Promise.reject(connectionLost())
        : real(),
    );
    const failure = await claimAll("w1")
      .catch((error: unknown) => error)
      .finally(() => query.mockRestore());
    expect(isConnectionError(failure)).toBe(true);
    expect(leaseStatements).toBe(1);

    const claimed = await claimAll("w2");
    expect(claimed.map((m) => ({ id: m.id, lockedBy: m.lockedBy, attempts: m.attempts }))).toEqual([
      { id, lockedBy: "w2", attempts: 1 },
    ]);
    expect(String(claimed[0]!.mime as Buffer)).toContain("Subject: mid-claim");
    const events = await admin.query<{ type: string }>(
      `SELECT type FROM "MessageEvent" WHERE "messageId" = $1 ORDER BY "createdAt", id`,
      [id],
    );
    expect(events.rows.map((e) => e.type)).toEqual(["queued", "attempt"]);
  });

  it("records an outcome once when its commit landed but the reply was lost and it is retried", async () => {
    const id = await acceptOne("commit-reply");
    const [claimed] = await claimAll("w1");
    expect(claimed?.id).toBe(id);

    // The first COMMIT goes through; the connection then fails before its reply is read.
    let commits = 0;
    const query = interceptQueries(pg.Client.prototype, (real, args) =>
      args[0] === "COMMIT" && commits++ === 0
        ? (real() as Promise<unknown>).then(() => Promise.reject(connectionLost()))
        : real(),
    );
    await outbox
      .record({
        kind: "sent",
        messageId: id,
        reply: "250 2.0.0 OK",
        code: 250,
        rejected: [],
        at: new Date(),
      })
      .finally(() => query.mockRestore());
    expect(commits).toBe(2);

    const detail = await outbox.get(sender.userId, id);
    expect(detail?.status).toBe("sent");
    expect(detail?.events.map((e) => e.type)).toEqual(["queued", "attempt", "sent"]);
  });
});
