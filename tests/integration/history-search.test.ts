// The history's search and filters (readMessagePage with a filter, lib/outbox/search-messages.ts)
// on each engine: walking every page gives exactly the owner's messages that an obvious reading
// (every word starts one of the message's terms) picks, newest first, in both of the search's
// plans; the filters narrow it; a Message-ID finds its message; newer pages lead back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedHistory, type SeededHistory } from "../../bench/seed-history";
import { openDb, type Db } from "../../lib/db";
import { listedMessage } from "../../lib/outbox/message-views";
import type { ListOptions } from "../../lib/outbox/outbox";
import { readMessagePage } from "../../lib/outbox/read-messages";
import { searchMessageIds } from "../../lib/outbox/search-messages";
import { searchTermsOf, searchWords } from "../../lib/outbox/search-terms";
import { createTestDatabase } from "../support/test-app-env";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
} from "../support/test-postgres";

warnWithoutPostgres("history search");

const engines = [
  {
    name: "SQLite",
    run: true,
    open: () => Promise.resolve({ url: createTestDatabase().url, drop: () => Promise.resolve() }),
  },
  { name: "PostgreSQL", run: Boolean(postgresUrl), open: () => createTestPostgresDatabase() },
];

const LIMIT = 7;

for (const engine of engines) {
  describe.skipIf(!engine.run)(`history search on ${engine.name}`, () => {
    let database: { url: string; drop(): Promise<void> };
    let prisma: Db;
    let seeded: SeededHistory;

    beforeAll(async () => {
      database = await engine.open();
      // Other users' messages have the same recipients and subject words: scoping shows.
      seeded = await seedHistory(database.url, { messages: 400, otherShare: 0.5 });
      prisma = await openDb(database.url);
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await database?.drop();
    });

    /** The owner's messages a filter shows, read the slow, obvious way. */
    async function expected(options: ListOptions): Promise<string[]> {
      const rows = await prisma.message.findMany({
        where: { userId: seeded.owner.userId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      const words = options.query ? searchWords(options.query) : [];
      return rows
        .filter((m) => {
          const terms = searchTermsOf({
            to: m.to as string[],
            cc: m.cc as string[],
            bcc: m.bcc as string[],
            subject: m.subject,
          });
          if (!words.every((w) => terms.some((t) => t.startsWith(w)))) return false;
          if (options.status && m.status !== options.status) return false;
          if (options.source === "web" && m.source !== "web") return false;
          if (options.source === "api" && !m.source.startsWith("api:")) return false;
          if (options.since && m.createdAt < options.since) return false;
          if (options.until && m.createdAt >= options.until) return false;
          return true;
        })
        .map((m) => m.id);
    }

    async function walk(options: ListOptions): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await readMessagePage(prisma, seeded.owner.userId, {
          ...options,
          cursor,
          limit: LIMIT,
        });
        expect(page.cursorIgnored).toBe(false);
        ids.push(...page.messages.map((m) => m.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    const searches: ListOptions[] = [
      { query: "recipient-7@example.org" },
      { query: "Recipient-1" },
      { query: "confirmation" },
      { query: "order #1001" },
      { query: "1002 confirm" },
      { query: "recipient-3", status: "sent" },
      { query: "order", source: "api" },
      { query: "order", status: "failed" },
      { query: "nothing-like-this" },
      { status: "sent", source: "web" },
    ];

    for (const options of searches) {
      it(`finds what an obvious reading finds: ${JSON.stringify(options)}`, async () => {
        const want = await expected(options);
        expect(await walk(options)).toEqual(want);
        if (options.query) {
          // Every plan: the sorted hits of the rarest word; the newest messages read in order,
          // with a window large enough; the newest hits from the index; all hits sorted.
          for (const tuning of [
            { sparseHits: 1_000_000, windowRows: 1, newestHitsPerRow: 1 },
            { sparseHits: 0, windowRows: 1_000_000, newestHitsPerRow: 1 },
            { sparseHits: 0, windowRows: 3, newestHitsPerRow: 1_000 },
            { sparseHits: 0, windowRows: 3, newestHitsPerRow: 1 },
          ]) {
            const ids = await searchMessageIds(
              prisma,
              seeded.owner.userId,
              { ...options, query: options.query },
              undefined,
              // A page just big enough: the window's read fills it when the window is large.
              Math.max(1, want.length),
              tuning,
            );
            expect(ids).toEqual(want);
          }
        }
      });
    }

    it("lists a search's messages exactly as Prisma reads them for the history", async () => {
      const page = await readMessagePage(prisma, seeded.owner.userId, { query: "order" });
      expect(page.messages).toHaveLength(50);
      const byPrisma = await prisma.message.findMany({
        where: { id: { in: page.messages.map((m) => m.id) } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: listedMessage,
      });
      expect(page.messages).toEqual(byPrisma);
      expect(page.messages.some((m) => m.sentAt !== null && m.lastSmtpCode === 250)).toBe(true);
    });

    it("finds at least one message for the non-trivial searches", async () => {
      expect((await expected({ query: "recipient-7@example.org" })).length).toBeGreaterThan(0);
      expect((await expected({ query: "order #1001" })).length).toBeGreaterThan(10);
      expect((await expected({ query: "recipient-3", status: "sent" })).length).toBeGreaterThan(0);
    });

    it("filters by a range of creation times, with or without a search", async () => {
      const all = await prisma.message.findMany({
        where: { userId: seeded.owner.userId },
        orderBy: { createdAt: "asc" },
      });
      const since = all[100]!.createdAt;
      const until = all[200]!.createdAt;
      for (const options of [
        { since, until },
        { since, until, query: "order" },
      ]) {
        const want = await expected(options);
        expect(want).toHaveLength(100);
        expect(await walk(options)).toEqual(want);
      }
    });

    it("finds a message by its Message-ID, with or without angle brackets, only the owner's", async () => {
      const mine = await prisma.message.findFirstOrThrow({
        where: { userId: seeded.owner.userId },
      });
      for (const query of [mine.messageIdHeader, mine.messageIdHeader.slice(1, -1)]) {
        const page = await readMessagePage(prisma, seeded.owner.userId, { query });
        expect(page.messages.map((m) => m.id)).toEqual([mine.id]);
      }
      const theirs = await prisma.message.findFirstOrThrow({
        where: { userId: { not: seeded.owner.userId } },
      });
      const page = await readMessagePage(prisma, seeded.owner.userId, {
        query: theirs.messageIdHeader,
      });
      expect(page.messages).toEqual([]);
    });

    it("goes back to newer pages from an older one, with the filter kept", async () => {
      const options: ListOptions = { query: "order", status: "sent", limit: LIMIT };
      const first = await readMessagePage(prisma, seeded.owner.userId, options);
      expect(first.newerCursor).toBeUndefined();
      const second = await readMessagePage(prisma, seeded.owner.userId, {
        ...options,
        cursor: first.nextCursor,
      });
      const third = await readMessagePage(prisma, seeded.owner.userId, {
        ...options,
        cursor: second.nextCursor,
      });
      const back = await readMessagePage(prisma, seeded.owner.userId, {
        ...options,
        newerThan: third.newerCursor,
      });
      expect(back.messages.map((m) => m.id)).toEqual(second.messages.map((m) => m.id));
      expect(back.nextCursor).toBe(second.nextCursor);
      const top = await readMessagePage(prisma, seeded.owner.userId, {
        ...options,
        newerThan: back.newerCursor,
      });
      expect(top.messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
      expect(top.newerCursor).toBeUndefined();
    });
  });
}
