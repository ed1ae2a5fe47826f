// The SQLite engine's commits: group commit on one connection (lib/outbox/sqlite/group-commit.ts),
// and the database thread that does the outbox's writes beside Prisma
// (lib/outbox/sqlite/sqlite-outbox.ts).
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../lib/db";
import { openOutbox } from "../../lib/outbox/open-outbox";
import type { AcceptResult, NewMessage, Outbox } from "../../lib/outbox/outbox";
import { GroupCommitter } from "../../lib/outbox/sqlite/group-commit";
import { createTestDatabase } from "../support/test-app-env";

let file: string;
let url: string;

beforeAll(() => {
  ({ file, url } = createTestDatabase());
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

describe("group commit", () => {
  let conn: Database.Database;
  let committer: GroupCommitter;

  beforeAll(() => {
    conn = new Database(file);
    conn.pragma("journal_mode = WAL");
    conn.pragma("synchronous = FULL");
    committer = new GroupCommitter(conn);
  });

  afterAll(() => conn.close());

  it("commits work queued in one turn together, durably before anyone hears back", async () => {
    const group = ["a@group.test", "b@group.test", "c@group.test"];
    const inGroup = (emails: string[]) => emails.filter((e) => group.includes(e)).length;
    // What each piece sees of the earlier pieces: from inside (its own transaction) and from
    // another connection (only what has been committed).
    const seen: { inside: number; committed: number }[] = [];
    const results = await Promise.all(
      group.map((email) =>
        committer.submit((c) => {
          const inside = (c.prepare(`SELECT email FROM "User"`).all() as { email: string }[]).map(
            (r) => r.email,
          );
          seen.push({ inside: inGroup(inside), committed: inGroup(committedEmails()) });
          return insertUser(email)(c);
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
    expect(committedEmails()).toEqual(expect.arrayContaining(group));
  });

  it("undoes only the failing piece of a group", async () => {
    const [first, duplicate, last] = await Promise.allSettled([
      committer.submit(insertUser("d@group.test")),
      committer.submit((c) => {
        insertUser("e@group.test")(c);
        // The same email again violates the unique index: this piece fails as a whole.
        return insertUser("d@group.test")(c);
      }),
      committer.submit(insertUser("f@group.test")),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(duplicate.status).toBe("rejected");
    expect(last.status).toBe("fulfilled");
    const emails = committedEmails();
    expect(emails).toEqual(expect.arrayContaining(["d@group.test", "f@group.test"]));
    expect(emails).not.toContain("e@group.test");
  });

  it("commits nothing in the turn work is submitted, and lazy work never waits for durable work", async () => {
    const gathering = new GroupCommitter(conn, { durableGatherMs: 100 });
    const durable = gathering.submit(insertUser("turn-durable@group.test"));
    const lazy = gathering.submit(insertUser("turn-lazy@group.test"), { durable: false });
    expect(committedEmails()).not.toContain("turn-lazy@group.test");
    expect(await lazy).toBe(1);
    // The lazy piece committed on its own while the durable one still gathers company.
    expect(committedEmails()).toContain("turn-lazy@group.test");
    expect(committedEmails()).not.toContain("turn-durable@group.test");
    expect(await durable).toBe(1);
    expect(committedEmails()).toContain("turn-durable@group.test");
  });

  it("commits work that need not be durable without leaving the connection less durable", async () => {
    const level = (c: Database.Database) => c.pragma("synchronous", { simple: true }) as number;
    const seen: number[] = [];
    expect(
      await committer.submit(
        (c) => {
          seen.push(level(c));
          return insertUser("lazy-sync@group.test")(c);
        },
        { durable: false },
      ),
    ).toBe(1);
    // Visible to other connections at once, like any commit…
    expect(committedEmails()).toContain("lazy-sync@group.test");
    // …and only that commit skipped the fsync: NORMAL (1) inside, FULL (2) for everything after.
    expect(seen).toEqual([1]);
    expect(level(conn)).toBe(2);
  });

  it("gathers durable work arriving over a moment into one fsynced commit", async () => {
    const gathering = new GroupCommitter(conn, { durableGatherMs: 100 });
    const seen: { inside: string[]; committed: string[] }[] = [];
    const piece = (email: string) => (c: Database.Database) => {
      const inside = (
        c.prepare(`SELECT email FROM "User" WHERE email LIKE 'gather-%'`).all() as {
          email: string;
        }[]
      ).map((r) => r.email);
      seen.push({ inside, committed: committedEmails().filter((e) => e.startsWith("gather-")) });
      return insertUser(email)(c);
    };
    const first = gathering.submit(piece("gather-1@group.test"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // 20 ms later, well within the gathering time: nothing committed yet, and this piece joins.
    expect(committedEmails()).not.toContain("gather-1@group.test");
    const second = gathering.submit(piece("gather-2@group.test"));
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(seen).toEqual([
      { inside: [], committed: [] },
      { inside: ["gather-1@group.test"], committed: [] },
    ]);
  });
});

/** The accepted message's id (these tests set no backlog cap). */
function idOf(result: AcceptResult): string {
  if (!("id" in result)) throw new Error("The message was refused.");
  return result.id;
}

describe("the outbox's database thread", () => {
  let prisma: Db;
  let outbox: Outbox;
  let message: (subject: string, accountId?: string) => NewMessage;
  const open = () => openOutbox(url, () => Promise.resolve(prisma));

  beforeAll(async () => {
    prisma = await openDb(url);
    outbox = open();
    const user = await prisma.user.create({ data: { email: "thread@group.test" } });
    const account = await prisma.account.create({
      data: {
        userId: user.id,
        provider: "google",
        providerAccountId: "thread",
        email: "thread@group.test",
      },
    });
    message = (subject, accountId = account.id) => ({
      userId: user.id,
      accountId,
      source: "api",
      messageIdHeader: `<${subject.replaceAll(" ", "-")}@group.test>`,
      fromAddress: account.email,
      to: ["to@example.org"],
      cc: [],
      bcc: [],
      subject,
      textBody: "hello",
      mime: Buffer.from(`Subject: ${subject}\r\n\r\nhello\r\n`),
      queuedDetail: "Accepted into the outbox",
    });
  });

  afterAll(async () => {
    await outbox.close();
    await prisma.$disconnect();
  });

  it("accepts messages Prisma then reads, and fails a bad one alone with SQLite's error", async () => {
    const [good, orphan, other] = await Promise.allSettled([
      outbox.accept(message("thread one")).then(idOf),
      outbox.accept(message("thread orphan", "no-such-account")).then(idOf),
      outbox.accept(message("thread two")).then(idOf),
    ]);
    expect(orphan).toMatchObject({
      status: "rejected",
      reason: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" },
    });
    const ids = [good, other].map((r) => (r.status === "fulfilled" ? r.value : ""));
    const rows = await prisma.message.findMany({
      where: { id: { in: ids } },
      include: { content: true, events: true },
      orderBy: { subject: "asc" },
    });
    expect(rows.map((r) => [r.subject, r.status, r.events.map((e) => e.type)])).toEqual([
      ["thread one", "queued", ["queued"]],
      ["thread two", "queued", ["queued"]],
    ]);
    expect(Buffer.from(rows[0]!.content!.mime).toString()).toContain("Subject: thread one");
  });

  it("waits for an open Prisma transaction instead of joining it, so its rollback keeps the message", async () => {
    let accepted: Promise<string> | undefined;
    let acceptedEarly = false;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "rolled-back@group.test" } });
        // Issued while Prisma holds the write lock: the thread waits for it…
        accepted = outbox.accept(message("during a transaction")).then(idOf);
        void accepted.then(() => (acceptedEarly = true));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(acceptedEarly).toBe(false);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // …and commits after the rollback, not as part of it.
    const id = await accepted!;
    expect(await prisma.message.findUnique({ where: { id } })).toMatchObject({ status: "queued" });
    expect(await prisma.user.findUnique({ where: { email: "rolled-back@group.test" } })).toBeNull();
  });

  it("claims with the message's MIME as a Buffer, also one another process accepted, and records the 250", async () => {
    const id = idOf(await outbox.accept(message("claimed")));
    // Accepted through another outbox, as by another process: its MIME is read back from SQLite.
    const elsewhere = open();
    const otherId = idOf(await elsewhere.accept(message("claimed elsewhere")));
    await elsewhere.close();
    const now = new Date();
    const claimed = await outbox.claim({
      workerId: "test-worker",
      max: 10,
      now,
      lockedUntil: new Date(now.getTime() + 60_000),
      limits: {
        dailyLimit: 100,
        workspaceDailyLimit: 100,
        workspaceRecipientLimit: 100,
        windowMs: 86_400_000,
        paceMs: 0,
      },
    });
    const mine = claimed.find((m) => m.id === id);
    expect(Buffer.isBuffer(mine?.mime)).toBe(true);
    expect(String(mine?.mime as Buffer)).toContain("Subject: claimed");
    const theirs = claimed.find((m) => m.id === otherId);
    expect(Buffer.isBuffer(theirs?.mime)).toBe(true);
    expect(String(theirs?.mime as Buffer)).toContain("Subject: claimed elsewhere");
    await outbox.record({
      kind: "sent",
      messageId: id,
      reply: "250 2.0.0 OK",
      code: 250,
      rejected: [],
      at: now,
    });
    const row = await prisma.message.findUniqueOrThrow({
      where: { id },
      include: { events: { orderBy: { createdAt: "asc" } } },
    });
    expect(row.status).toBe("sent");
    expect(row.lastSmtpReply).toBe("250 2.0.0 OK");
    expect(row.events.map((e) => e.type)).toEqual(["queued", "attempt", "sent"]);
  });

  it("lets calls already made finish before closing ends the thread", async () => {
    const client = open();
    // Issued and not awaited: the insert is still gathering company for its fsync.
    const accepted = client.accept(message("accepted before close")).then(idOf);
    await client.close();
    const id = await accepted;
    const other = new Database(file, { readonly: true });
    try {
      expect(other.prepare(`SELECT status FROM Message WHERE id = ?`).get(id)).toEqual({
        status: "queued",
      });
    } finally {
      other.close();
    }
    await expect(client.requeueExpired()).rejects.toThrow(/closed/);
    await expect(client.senderOf("anyone")).rejects.toThrow(/closed/);
  });
});
