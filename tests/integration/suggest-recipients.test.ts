// Compose's autocomplete (lib/outbox/suggest-recipients.ts) on each engine: the addresses a user
// sent to before that start with what they typed — once each, at most eight, never a subject word
// and never another user's address, however similar.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../lib/db";
import { openOutbox } from "../../lib/outbox/open-outbox";
import type { NewMessage, Outbox } from "../../lib/outbox/outbox";
import { MAX_SUGGESTIONS, suggestRecipients } from "../../lib/outbox/suggest-recipients";
import { createTestDatabase } from "../support/test-app-env";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
} from "../support/test-postgres";

warnWithoutPostgres("recipient suggestions");

const engines = [
  {
    name: "SQLite",
    run: true,
    open: () => Promise.resolve({ url: createTestDatabase().url, drop: () => Promise.resolve() }),
  },
  { name: "PostgreSQL", run: Boolean(postgresUrl), open: () => createTestPostgresDatabase() },
];

for (const engine of engines) {
  describe.skipIf(!engine.run)(`recipient suggestions on ${engine.name}`, () => {
    let database: { url: string; drop(): Promise<void> };
    let prisma: Db;
    let outbox: Outbox;
    const users: { userId: string; accountId: string; email: string }[] = [];
    let n = 0;

    async function send(
      owner: (typeof users)[number],
      message: { to: string[]; cc?: string[]; bcc?: string[]; subject?: string },
    ) {
      n++;
      const accepted = await outbox.accept({
        userId: owner.userId,
        accountId: owner.accountId,
        source: "web",
        messageIdHeader: `<suggest-${n}@example.test>`,
        fromAddress: owner.email,
        to: message.to,
        cc: message.cc ?? [],
        bcc: message.bcc ?? [],
        subject: message.subject ?? `note ${n}`,
        textBody: "hi",
        mime: Buffer.from(`Subject: note ${n}\r\n\r\nhi\r\n`),
        queuedDetail: "Accepted into the outbox",
      } satisfies NewMessage);
      if (!("id" in accepted)) throw new Error("refused");
    }

    beforeAll(async () => {
      database = await engine.open();
      prisma = await openDb(database.url);
      for (const name of ["ada", "eve"]) {
        const email = `${name}@suggest.test`;
        const user = await prisma.user.create({ data: { email } });
        const account = await prisma.account.create({
          data: { userId: user.id, provider: "google", providerAccountId: name, email },
        });
        users.push({ userId: user.id, accountId: account.id, email });
      }
      outbox = openOutbox(database.url, () => Promise.resolve(prisma));
      const [ada, eve] = users as [(typeof users)[number], (typeof users)[number]];
      // Ada writes to Carol often, to Cc and Bcc addresses, and about "cars" in subjects.
      for (let i = 0; i < 30; i++) {
        await send(ada, { to: ["carol@example.net"], subject: `cars and carts ${i}` });
      }
      await send(ada, { to: ["Bob@Example.org"], cc: ["cc.person@example.com"] });
      await send(ada, { to: ["x@example.org"], bcc: ["cbcc@example.com"] });
      for (let i = 0; i < 12; i++) await send(ada, { to: [`dev${i}@team.example`] });
      // Eve's correspondents start the same way and must never reach Ada.
      await send(eve, { to: ["carl.secret@other.example"], cc: ["cfo@other.example"] });
      await send(eve, { to: ["dev-private@eve.example"] });
    });
    afterAll(async () => {
      await outbox?.close();
      await prisma?.$disconnect();
      await database?.drop();
    });

    const suggest = (i: number, prefix: string) =>
      suggestRecipients(users[i]!.userId, prefix, prisma);

    it("offers each earlier To, Cc and Bcc address that starts with what was typed, once", async () => {
      expect(await suggest(0, "c")).toEqual([
        "carol@example.net",
        "cbcc@example.com",
        "cc.person@example.com",
      ]);
      expect(await suggest(0, "CAR")).toEqual(["carol@example.net"]);
      // Stored lowercased, found whatever case was typed.
      expect(await suggest(0, "bob@ex")).toEqual(["bob@example.org"]);
    });

    it("never offers another user's addresses, and nothing for a prefix only they used", async () => {
      expect(await suggest(1, "c")).toEqual(["carl.secret@other.example", "cfo@other.example"]);
      expect(await suggest(0, "cfo")).toEqual([]);
      expect(await suggest(0, "carl")).toEqual([]);
      expect(await suggest(0, "dev-")).toEqual([]);
    });

    it("returns at most eight, in order, and nothing for an empty prefix", async () => {
      const found = await suggest(0, "dev");
      expect(found).toHaveLength(MAX_SUGGESTIONS);
      expect(found).toEqual([...found].sort());
      expect(found.every((a) => a.startsWith("dev") && a.endsWith("@team.example"))).toBe(true);
      expect(await suggest(0, "  ")).toEqual([]);
    });
  });
}
