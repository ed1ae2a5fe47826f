// The history's pages (readMessagePage) on each engine: walking every page by its cursor gives
// each of the owner's messages once, in the order of one ORDER BY over them all (ties in
// createdAt broken by id), and none of another user's; and a history seeded by
// bench/seed-history.ts reads back through Prisma as if the outbox had written it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedHistory } from "../../bench/seed-history";
import { openDb, type Db } from "../../lib/db";
import { PAGE_SIZE } from "../../lib/outbox/message-views";
import { readMessage, readMessagePage } from "../../lib/outbox/read-messages";
import { READ_TEST_ENGINES, warnWithoutPostgres } from "../support/test-postgres";

warnWithoutPostgres("history pages");

const engines = READ_TEST_ENGINES;

/** Every id of the user's history, page by page through the cursor. */
async function walkPages(prisma: Db, userId: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await readMessagePage(prisma, userId, { cursor });
    expect(page.cursorIgnored).toBe(false);
    expect(page.messages.length).toBeLessThanOrEqual(PAGE_SIZE);
    ids.push(...page.messages.map((m) => m.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

for (const engine of engines) {
  describe.skipIf(!engine.run)(`history pages on ${engine.name}`, () => {
    let database: { url: string; drop(): Promise<void> };
    let prisma: Db;

    beforeAll(async () => {
      database = await engine.open();
      prisma = await openDb(database.url);
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await database?.drop();
    });

    async function sender(email: string) {
      const user = await prisma.user.create({ data: { email } });
      const account = await prisma.account.create({
        data: { userId: user.id, provider: "google", providerAccountId: email, email },
      });
      return { userId: user.id, accountId: account.id, email };
    }

    it("walks every page by its cursor: each message once, newest first, only the owner's", async () => {
      const owner = await sender("owner@pages.test");
      const other = await sender("other@pages.test");
      const base = Date.UTC(2026, 11, 1, 10);
      // Four messages to a millisecond, the other user's among them, so pages split ties.
      const count = 3 * PAGE_SIZE + 7;
      await prisma.message.createMany({
        data: Array.from({ length: count * 2 }, (_, i) => {
          const s = i % 2 === 0 ? owner : other;
          return {
            userId: s.userId,
            accountId: s.accountId,
            messageIdHeader: `<pages-${i}@pages.test>`,
            fromAddress: s.email,
            to: ["to@example.org"],
            cc: [],
            bcc: [],
            subject: `message ${i}`,
            sizeBytes: 100,
            createdAt: new Date(base + Math.floor(i / 8)),
          };
        }),
      });
      const expected = await prisma.message.findMany({
        where: { userId: owner.userId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true },
      });

      const walked = await walkPages(prisma, owner.userId);
      expect(walked.ids).toEqual(expected.map((m) => m.id));
      expect(walked.pages).toBe(4);

      const othersId = (await prisma.message.findFirstOrThrow({ where: { userId: other.userId } }))
        .id;
      const refused = await readMessagePage(prisma, owner.userId, { cursor: othersId });
      expect(refused.cursorIgnored).toBe(true);
      expect(refused.messages.map((m) => m.id)).toEqual(walked.ids.slice(0, PAGE_SIZE));
    });

    it("reads a seeded history as the outbox would have written it", async () => {
      const seeded = await seedHistory(database.url, { messages: 130, content: true });
      expect(seeded.otherMessages).toBe(13);
      const walked = await walkPages(prisma, seeded.owner.userId);
      expect(walked.ids).toHaveLength(130);
      expect(
        await prisma.message.count({
          where: { id: { in: walked.ids }, userId: seeded.owner.userId },
        }),
      ).toBe(130);

      const { messages } = await readMessagePage(prisma, seeded.owner.userId);
      const statuses = new Set(messages.map((m) => m.status));
      expect([...statuses].every((s) => ["queued", "deferred", "sent", "failed"].includes(s))).toBe(
        true,
      );
      expect(statuses.has("queued")).toBe(true);
      for (const m of messages) {
        expect(m.createdAt.getTime()).toBeGreaterThan(Date.now() - 24 * 3_600_000);
        expect(m.to).toEqual([expect.stringMatching(/^recipient-\d+@example\.org$/)]);
        expect(m.account).toEqual({ reconnectReason: null, pauseReason: null, nextSendAt: null });
      }
      const sent = messages.find((m) => m.status === "sent")!;
      expect(sent.lastSmtpCode).toBe(250);
      expect(sent.sentAt!.getTime()).toBe(sent.createdAt.getTime() + 2000);
      const detail = await readMessage(prisma, seeded.owner.userId, sent.id);
      expect(detail?.events.map((e) => e.type)).toEqual(["queued", "attempt", "sent"]);
      expect(detail?.content?.textBody).toMatch(/^Hello,/);

      // An existing user (as the seeding script's --email finds them) gets more history.
      const again = await seedHistory(database.url, {
        messages: 10,
        ownerEmail: seeded.owner.email,
        otherUsers: 0,
      });
      expect(again.owner).toEqual(seeded.owner);
      expect(await prisma.message.count({ where: { userId: seeded.owner.userId } })).toBe(140);
    });
  });
}
