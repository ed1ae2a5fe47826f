// The PostgreSQL engine's group commit: accepts and 250s that arrive together share one
// transaction, a sender's backlog cap holds across a batch, and one message that cannot be
// stored refuses only itself.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDb, type Db } from "../../../lib/db";
import { openOutbox } from "../../../lib/outbox/open-outbox";
import type { NewMessage, Outbox } from "../../../lib/outbox/outbox";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../../support/test-postgres";
import { createSender, UNLIMITED, type TestSender } from "../../support/outbox-fixtures";

type Query = (...args: unknown[]) => unknown;

/** Counts the transactions begun on any pg client until the spy is restored. */
function countTransactions() {
  const real = Reflect.get(pg.Client.prototype, "query") as Query;
  const counter = { begun: 0 };
  const spy = vi
    .spyOn(pg.Client.prototype as { query: Query }, "query")
    .mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === "string" && args[0].startsWith("BEGIN")) counter.begun++;
      return real.apply(this, args);
    });
  return Object.assign(counter, { restore: () => spy.mockRestore() });
}

warnWithoutPostgres("the PostgreSQL outbox's group commit");
describe.skipIf(!postgresUrl)("the PostgreSQL outbox's group commit", () => {
  let database: TestPostgresDatabase;
  let prisma: Db;
  let outbox: Outbox;

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    prisma = await openDb(database.url);
    outbox = openOutbox(database.url, () => Promise.resolve(prisma), { poolSize: 3 });
  });

  afterAll(async () => {
    await outbox?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  function message(
    sender: TestSender,
    subject: string,
    extra: Partial<NewMessage> = {},
  ): NewMessage {
    return {
      userId: sender.userId,
      accountId: sender.accountId,
      source: "api",
      messageIdHeader: `<${subject}@batch.test>`,
      fromAddress: sender.email,
      to: ["to@example.org"],
      cc: [],
      bcc: [],
      subject,
      textBody: `body of ${subject}`,
      mime: Buffer.from(`Subject: ${subject}\r\n\r\nbody of ${subject}\r\n`),
      queuedDetail: "Accepted into the outbox",
      ...extra,
    };
  }

  it("accepts a burst in a few transactions, each message with its MIME and event, within the backlog cap", async () => {
    const capped = await createSender(prisma, "capped@batch.test");
    const free = await createSender(prisma, "free@batch.test");
    const transactions = countTransactions();
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        outbox.accept(
          i % 2 === 0
            ? message(capped, `capped-${i}`, { maxWaiting: 5 })
            : message(free, `free-${i}`),
        ),
      ),
    ).finally(() => transactions.restore());

    // The first accept goes alone; the rest arrive during its commit and go together.
    expect(transactions.begun).toBeLessThanOrEqual(3);
    const cappedResults = results.filter((_, i) => i % 2 === 0);
    expect(cappedResults.filter((r) => "id" in r)).toHaveLength(5);
    expect(cappedResults.slice(5)).toEqual(Array(7).fill({ backlogFull: { waiting: 5 } }));
    expect(results.filter((_, i) => i % 2 === 1).every((r) => "id" in r)).toBe(true);

    const stored = await prisma.message.findMany({
      where: { userId: { in: [capped.userId, free.userId] } },
      include: { content: true, events: true },
    });
    expect(stored).toHaveLength(17);
    for (const row of stored) {
      expect(Buffer.from(row.content?.mime ?? []).toString()).toContain(`Subject: ${row.subject}`);
      expect(row.content?.textBody).toBe(`body of ${row.subject}`);
      expect(row.events.map((e) => e.type)).toEqual(["queued"]);
    }
  });

  it("refuses only the message that cannot be stored when a batch fails", async () => {
    const sender = await createSender(prisma, "one-bad@batch.test");
    const first = outbox.accept(message(sender, "lone"));
    // These arrive while the first commits, so they form one batch with a bad one in it.
    const batch = [0, 1, 2, 3].map((i) =>
      outbox.accept(message(sender, `batch-${i}`, i === 2 ? { accountId: "no-such-account" } : {})),
    );
    await expect(first).resolves.toHaveProperty("id");
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(
      (await prisma.message.findMany({ where: { userId: sender.userId } }))
        .map((m) => m.subject)
        .sort(),
    ).toEqual(["batch-0", "batch-1", "batch-3", "lone"]);
  });

  it("records 250s that arrive together in a few transactions, each with its event", async () => {
    const sender = await createSender(prisma, "sent@batch.test");
    for (let i = 0; i < 12; i++) await outbox.accept(message(sender, `sent-${i}`));
    const now = new Date();
    const claimed = (
      await outbox.claim({
        workerId: "w1",
        max: 100,
        now,
        lockedUntil: new Date(now.getTime() + 60_000),
        limits: UNLIMITED,
      })
    ).filter((m) => m.account.id === sender.accountId);
    expect(claimed).toHaveLength(12);

    const transactions = countTransactions();
    await Promise.all(
      claimed.map((m, i) =>
        outbox.record({
          kind: "sent",
          messageId: m.id,
          code: 250,
          reply: `250 2.0.0 OK ${i}`,
          rejected: i === 0 ? [{ recipient: "gone@example.org", response: "550 5.1.1 no" }] : [],
          at: new Date(now.getTime() + i),
        }),
      ),
    ).finally(() => transactions.restore());
    expect(transactions.begun).toBeLessThanOrEqual(3);

    const rows = await prisma.message.findMany({
      where: { userId: sender.userId },
      include: { events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
    });
    for (const row of rows) {
      const i = claimed.findIndex((m) => m.id === row.id);
      expect(row.status).toBe("sent");
      expect(row.lastSmtpReply).toBe(`250 2.0.0 OK ${i}`);
      expect(row.sentAt?.getTime()).toBe(now.getTime() + i);
      expect(row.lockedBy).toBeNull();
      expect(row.events.map((e) => e.type)).toEqual([
        "queued",
        "attempt",
        "sent",
        ...(i === 0 ? ["recipient_rejected"] : []),
      ]);
    }
  });
});
