// The one SQLite connection Prisma and the outbox share (lib/db.ts): group commits, a failing
// piece failing alone, and the lock that keeps other work out of an open Prisma transaction.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, sqliteOf, type Db } from "../../lib/db";
import { createTestDatabase } from "../support/test-app-env";

let prisma: Db;
let file: string;

beforeAll(async () => {
  const database = createTestDatabase();
  file = database.file;
  prisma = await openDb(database.url);
});

afterAll(async () => {
  await prisma.$disconnect();
});

const insertUser = (email: string) => (conn: Database.Database) =>
  conn
    .prepare(`INSERT INTO "User" (id, email, createdAt, updatedAt) VALUES (?, ?, ?, ?)`)
    .run(`id-${email}`, email, new Date().toISOString(), new Date().toISOString()).changes;

/** What another process would see: a connection of its own on the same file. */
function committedEmails(): string[] {
  const other = new Database(file, { readonly: true });
  try {
    return (
      other.prepare(`SELECT email FROM "User" ORDER BY email`).all() as { email: string }[]
    ).map((r) => r.email);
  } finally {
    other.close();
  }
}

describe("the shared SQLite connection", () => {
  it("commits work queued in one turn together, durably before anyone hears back", async () => {
    const connection = sqliteOf(prisma);
    const group = ["a@group.test", "b@group.test", "c@group.test"];
    const inGroup = (emails: string[]) => emails.filter((e) => group.includes(e)).length;
    // What each piece sees of the earlier pieces: from inside (its own transaction) and from
    // another connection (only what has been committed).
    const seen: { inside: number; committed: number }[] = [];
    const results = await Promise.all(
      group.map((email) =>
        connection.batch((conn) => {
          const inside = (
            conn.prepare(`SELECT email FROM "User"`).all() as { email: string }[]
          ).map((r) => r.email);
          seen.push({ inside: inGroup(inside), committed: inGroup(committedEmails()) });
          return insertUser(email)(conn);
        }),
      ),
    );
    expect(results).toEqual([1, 1, 1]);
    // One transaction: each piece sees the ones before it, and nothing is committed until all ran.
    expect(seen).toEqual([
      { inside: 0, committed: 0 },
      { inside: 1, committed: 0 },
      { inside: 2, committed: 0 },
    ]);
    expect(committedEmails()).toEqual(
      expect.arrayContaining(["a@group.test", "b@group.test", "c@group.test"]),
    );
  });

  it("undoes only the failing piece of a group", async () => {
    const connection = sqliteOf(prisma);
    const [first, duplicate, last] = await Promise.allSettled([
      connection.batch(insertUser("d@group.test")),
      connection.batch((conn) => {
        insertUser("e@group.test")(conn);
        // The same email again violates the unique index: this piece fails as a whole.
        return insertUser("d@group.test")(conn);
      }),
      connection.batch(insertUser("f@group.test")),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(duplicate.status).toBe("rejected");
    expect(last.status).toBe("fulfilled");
    const emails = committedEmails();
    expect(emails).toEqual(expect.arrayContaining(["d@group.test", "f@group.test"]));
    expect(emails).not.toContain("e@group.test");
  });

  it("keeps outbox work out of an open Prisma transaction, so its rollback cannot undo it", async () => {
    const connection = sqliteOf(prisma);
    let queued: Promise<number> | undefined;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "rolled-back@group.test" } });
        // Queued while the transaction is open on the shared connection…
        queued = connection.batch(insertUser("kept@group.test"));
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // …it runs after the rollback and is not part of it.
    expect(await queued).toBe(1);
    const emails = committedEmails();
    expect(emails).toContain("kept@group.test");
    expect(emails).not.toContain("rolled-back@group.test");
  });

  it("lets work that may wait ride along with the next commit, or go on its own in time", async () => {
    const connection = sqliteOf(prisma);
    const lazyAlone = connection.batch(insertUser("lazy-alone@group.test"), { withinMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(committedEmails()).not.toContain("lazy-alone@group.test");
    expect(await lazyAlone).toBe(1);
    expect(committedEmails()).toContain("lazy-alone@group.test");

    const lazy = connection.batch(insertUser("lazy@group.test"), { withinMs: 60_000 });
    await connection.batch(insertUser("urgent@group.test"));
    expect(await lazy).toBe(1);
    expect(committedEmails()).toEqual(
      expect.arrayContaining(["lazy@group.test", "urgent@group.test"]),
    );
  });

  it("commits work that need not be durable without leaving the connection less durable", async () => {
    const connection = sqliteOf(prisma);
    const seen: bigint[] = [];
    expect(
      await connection.batch(
        (conn) => {
          seen.push(conn.pragma("synchronous", { simple: true }) as bigint);
          return insertUser("lazy-sync@group.test")(conn);
        },
        { durable: false },
      ),
    ).toBe(1);
    // Visible to other connections at once, like any commit…
    expect(committedEmails()).toContain("lazy-sync@group.test");
    // …and only that commit skipped the fsync: NORMAL (1) inside, FULL (2) for everything after.
    expect(seen).toEqual([1n]);
    expect(await connection.run((conn) => conn.pragma("synchronous", { simple: true }))).toBe(2n);

    // Durable work queued alongside takes the lazy work into its own, fsynced commit.
    const inside: bigint[] = [];
    await Promise.all([
      connection.batch(
        (conn) => {
          inside.push(conn.pragma("synchronous", { simple: true }) as bigint);
          return insertUser("lazy-rider@group.test")(conn);
        },
        { durable: false, withinMs: 60_000 },
      ),
      connection.batch(insertUser("durable-driver@group.test")),
    ]);
    expect(inside).toEqual([2n]);
  });
});
