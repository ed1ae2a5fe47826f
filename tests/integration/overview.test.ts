// The overview's figures (readOverview) on each engine, against a seeded history whose answer is
// known: outcomes per period by the time each message was accepted, what was sent in each rolling
// 24-hour window (recipients for consumer Gmail, messages for Workspace), the latest failures
// with their explanation — and nothing of another user's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../lib/db";
import { LATEST_FAILURES, readOverview, VOLUME_DAYS } from "../../lib/diagnostics/overview";
import { READ_TEST_ENGINES, warnWithoutPostgres } from "../support/test-postgres";

warnWithoutPostgres("overview");

const engines = READ_TEST_ENGINES;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date(Date.UTC(2026, 11, 2, 12));
const ago = (ms: number) => new Date(NOW.getTime() - ms);

for (const engine of engines) {
  describe.skipIf(!engine.run)(`overview on ${engine.name}`, () => {
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

    let seq = 0;
    async function sender(email: string) {
      const user = await prisma.user.create({ data: { email } });
      const account = await prisma.account.create({
        data: { userId: user.id, provider: "google", providerAccountId: email, email },
      });
      const add = (m: {
        status: string;
        createdAt: Date;
        sentAt?: Date;
        recipients?: number;
        reply?: string;
        subject?: string;
      }) =>
        prisma.message.create({
          data: {
            userId: user.id,
            accountId: account.id,
            messageIdHeader: `<overview-${++seq}@overview.test>`,
            fromAddress: email,
            to: Array.from({ length: m.recipients ?? 1 }, (_, i) => `r${i}@example.org`),
            cc: [],
            bcc: [],
            recipientCount: m.recipients ?? 1,
            subject: m.subject ?? `message ${seq}`,
            sizeBytes: 100,
            status: m.status,
            createdAt: m.createdAt,
            // When the status last changed: the send, else the acceptance.
            updatedAt: m.sentAt ?? m.createdAt,
            sentAt: m.sentAt ?? null,
            lastSmtpReply: m.reply ?? null,
          },
        });
      return { userId: user.id, accountId: account.id, add };
    }

    it("counts outcomes by period, volume by rolling day, and lists the latest failures", async () => {
      const owner = await sender("owner@overview.test");
      const other = await sender("other@overview.test");
      // In the last 24 hours: 3 sent (2 + 3 + 1 recipients), 2 waiting, 1 deferred, 1 failed.
      await owner.add({
        status: "sent",
        createdAt: ago(2 * HOUR),
        sentAt: ago(2 * HOUR),
        recipients: 2,
      });
      await owner.add({
        status: "sent",
        createdAt: ago(3 * HOUR),
        sentAt: ago(3 * HOUR),
        recipients: 3,
      });
      await owner.add({ status: "sent", createdAt: ago(30 * HOUR), sentAt: ago(23 * HOUR) });
      await owner.add({ status: "queued", createdAt: ago(HOUR) });
      await owner.add({ status: "sending", createdAt: ago(HOUR) });
      await owner.add({ status: "deferred", createdAt: ago(5 * HOUR) });
      await owner.add({
        status: "failed",
        createdAt: ago(6 * HOUR),
        reply: "553-5.1.2 The recipient address is not a valid RFC-5321 address.",
        subject: "Bounced",
      });
      // Three days ago: 4 sent of one recipient each, 1 canceled. Twenty days ago: 1 failed.
      for (let i = 0; i < 4; i++) {
        await owner.add({ status: "sent", createdAt: ago(3 * DAY), sentAt: ago(3 * DAY - HOUR) });
      }
      await owner.add({ status: "canceled", createdAt: ago(3 * DAY) });
      await owner.add({ status: "failed", createdAt: ago(20 * DAY), reply: "552 too big" });
      // Forty days ago: outside every period.
      await owner.add({ status: "sent", createdAt: ago(40 * DAY), sentAt: ago(40 * DAY) });
      // Another user's messages, in every period: none of them may count.
      for (const at of [HOUR, 2 * DAY, 10 * DAY]) {
        await other.add({ status: "sent", createdAt: ago(at), sentAt: ago(at), recipients: 7 });
        await other.add({ status: "failed", createdAt: ago(at), reply: "550 5.7.1 refused" });
      }

      const overview = await readOverview(
        prisma,
        { userId: owner.userId, accountId: owner.accountId, kind: "gmail", dailyLimit: 500 },
        NOW,
      );

      expect(overview.windows).toEqual([
        {
          label: "Last 24 hours",
          accepted: 6,
          sent: 2,
          waiting: 2,
          deferred: 1,
          failed: 1,
          canceled: 0,
        },
        {
          label: "Last 7 days",
          accepted: 12,
          sent: 7,
          waiting: 2,
          deferred: 1,
          failed: 1,
          canceled: 1,
        },
        {
          label: "Last 30 days",
          accepted: 13,
          sent: 7,
          waiting: 2,
          deferred: 1,
          failed: 2,
          canceled: 1,
        },
      ]);

      const { days } = overview.volume;
      expect(overview.volume).toMatchObject({ unit: "recipients", dailyLimit: 500 });
      expect(days).toHaveLength(VOLUME_DAYS);
      expect(days.at(-1)?.endsAt).toEqual(NOW);
      expect(days[0]?.endsAt).toEqual(ago((VOLUME_DAYS - 1) * DAY));
      // Recipients sent in each window, newest last: 2 + 3 + 1 today, 4 three windows back.
      const counts = days.map((d) => d.count);
      expect(counts.at(-1)).toBe(6);
      expect(counts.at(-3)).toBe(4);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(10);

      expect(overview.failures).toHaveLength(2);
      const [latest] = overview.failures;
      expect(latest).toMatchObject({
        subject: "Bounced",
        to: ["r0@example.org"],
        reply: "553-5.1.2 The recipient address is not a valid RFC-5321 address.",
      });
      expect(latest?.explanation?.title).toBe("Not a valid RFC-5321 address");

      // Workspace counts messages, not recipients.
      const workspace = await readOverview(
        prisma,
        { userId: owner.userId, accountId: owner.accountId, kind: "workspace", dailyLimit: 2000 },
        NOW,
      );
      expect(workspace.volume.unit).toBe("messages");
      expect(workspace.volume.days.at(-1)?.count).toBe(3);
    });

    it(`lists at most ${LATEST_FAILURES} failures, the latest first`, async () => {
      const owner = await sender("many-failures@overview.test");
      for (let i = 0; i < LATEST_FAILURES + 3; i++) {
        await owner.add({
          status: "failed",
          createdAt: ago(DAY - i * 1000),
          subject: `failure ${i}`,
        });
      }
      const overview = await readOverview(
        prisma,
        { userId: owner.userId, accountId: owner.accountId, kind: "gmail", dailyLimit: 500 },
        NOW,
      );
      expect(overview.failures.map((f) => f.subject)).toEqual(
        Array.from({ length: LATEST_FAILURES }, (_, i) => `failure ${LATEST_FAILURES + 2 - i}`),
      );
    });
  });
}
