// The one-click unsubscribe check on each engine, from a seeded outbox: quiet senders are not
// asked for the headers; a sender near or over Gmail's 5,000-a-day bulk threshold is, and it is
// green only when its latest messages carried both RFC 8058 headers. Another user's or another
// domain's mail never counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../../lib/db";
import {
  checkOneClickUnsubscribe,
  NEAR_BULK_DAILY,
} from "../../../lib/diagnostics/check-one-click-unsubscribe";
import {
  hasOneClickUnsubscribe,
  readSenderVolume,
} from "../../../lib/diagnostics/read-sender-volume";
import { READ_TEST_ENGINES, warnWithoutPostgres } from "../../support/test-postgres";

warnWithoutPostgres("one-click unsubscribe");

const HOUR = 3_600_000;
const NOW = new Date(Date.UTC(2026, 11, 2, 12));
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const at = { now: NOW, exactFrom: NEAR_BULK_DAILY };

const ONE_CLICK =
  "List-Unsubscribe: <mailto:leave@news.example>,\r\n <https://news.example/unsubscribe?u=1>\r\n" +
  "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";

function mime(from: string, extra = ""): Buffer {
  return Buffer.from(
    `From: ${from}\r\nTo: reader@gmail.com\r\nSubject: News\r\n${extra}` +
      "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello\r\n" +
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
  );
}

describe("hasOneClickUnsubscribe", () => {
  it("needs an https URI and the One-Click post header, in the header block", () => {
    expect(hasOneClickUnsubscribe(mime("a@news.example", ONE_CLICK))).toBe(true);
    expect(
      hasOneClickUnsubscribe(
        mime("a@news.example", "List-Unsubscribe: <mailto:leave@news.example>\r\n"),
      ),
    ).toBe(false);
    // mime() also writes a List-Unsubscribe-Post line into the body, which must not count.
    expect(
      hasOneClickUnsubscribe(
        mime("a@news.example", "List-Unsubscribe: <https://news.example/u>\r\n"),
      ),
    ).toBe(false);
  });
});

for (const engine of READ_TEST_ENGINES) {
  describe.skipIf(!engine.run)(`one-click unsubscribe on ${engine.name}`, () => {
    let database: { url: string; drop(): Promise<void> };
    let prisma: Db;
    let seq = 0;

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
      const send = (m: { from?: string; recipients: number; sentAt: Date; headers?: string }) => {
        const from = m.from ?? email;
        return prisma.message.create({
          data: {
            userId: user.id,
            accountId: account.id,
            messageIdHeader: `<unsubscribe-${++seq}@test>`,
            fromAddress: from,
            to: ["reader@gmail.com"],
            cc: [],
            bcc: [],
            recipientCount: m.recipients,
            subject: "News",
            sizeBytes: 200,
            status: "sent",
            createdAt: m.sentAt,
            sentAt: m.sentAt,
            content: { create: { textBody: "Hello", mime: new Uint8Array(mime(from, m.headers)) } },
          },
        });
      };
      return { userId: user.id, send };
    }

    it("does not ask a quiet sender for the headers", async () => {
      const quiet = await sender("team@quiet.example");
      await quiet.send({ recipients: 40, sentAt: ago(2 * HOUR) });
      const volume = await readSenderVolume(prisma, quiet.userId, "quiet.example", at);
      // Below the threshold all week: one query, no message read.
      expect(volume).toEqual({ peakDailyRecipients: 40, sampled: 0, oneClick: 0 });
      const check = checkOneClickUnsubscribe("quiet.example", volume);
      expect(check.level).toBe("pass");
      expect(check.summary).toBe("Not required at this volume.");
      expect(check.fix?.example).toContain('"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"');
    });

    it("is red for a bulk sender whose latest mail lacks the headers, counting only its own domain", async () => {
      const bulk = await sender("news@bulk.example");
      await bulk.send({ recipients: 3_000, sentAt: ago(30 * HOUR), headers: ONE_CLICK });
      await bulk.send({ recipients: 2_500, sentAt: ago(26 * HOUR), headers: ONE_CLICK });
      await bulk.send({ recipients: 100, sentAt: ago(HOUR) });
      // Another domain of the same user, and another user on the same domain: not counted.
      await bulk.send({ from: "me@elsewhere.example", recipients: 9_000, sentAt: ago(HOUR) });
      const neighbour = await sender("other@bulk.example");
      await neighbour.send({ recipients: 9_000, sentAt: ago(HOUR) });

      const volume = await readSenderVolume(prisma, bulk.userId, "bulk.example", at);
      expect(volume).toEqual({ peakDailyRecipients: 5_500, sampled: 3, oneClick: 2 });
      const check = checkOneClickUnsubscribe("bulk.example", volume);
      expect(check.level).toBe("fail");
      expect(check.notes.join(" ")).toContain("2 of the latest 3 sent messages");
      expect(check.fix?.example).toContain("news@bulk.example");
    });

    it("is amber near the threshold without the headers, green with them on every message", async () => {
      const near = await sender("news@near.example");
      await near.send({ recipients: 3_000, sentAt: ago(3 * HOUR) });
      const without = checkOneClickUnsubscribe(
        "near.example",
        await readSenderVolume(prisma, near.userId, "near.example", at),
      );
      expect(without.level).toBe("warn");

      const careful = await sender("news@careful.example");
      await careful.send({ recipients: 6_000, sentAt: ago(3 * HOUR), headers: ONE_CLICK });
      const withHeaders = checkOneClickUnsubscribe(
        "careful.example",
        await readSenderVolume(prisma, careful.userId, "careful.example", at),
      );
      expect(withHeaders.level).toBe("pass");
      expect(withHeaders.summary).toBe("Recent messages carry one-click unsubscribe headers.");
    });
  });
}
