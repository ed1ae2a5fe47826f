// The outbox contract on each engine this build has: SQLite (a PostgreSQL engine joins here).
import { openDb } from "../../../lib/db";
import { openOutbox } from "../../../lib/outbox/open-outbox";
import { createTestDatabase } from "../../support/test-app-env";
import { outboxContract } from "./outbox-contract";

outboxContract("SQLite", async () => {
  const { url } = createTestDatabase();
  const prisma = await openDb(url);
  const users = [];
  for (const name of ["first", "second"]) {
    const email = `${name}@contract.test`;
    const user = await prisma.user.create({ data: { email } });
    const account = await prisma.account.create({
      data: { userId: user.id, provider: "google", providerAccountId: name, email },
    });
    users.push({ userId: user.id, accountId: account.id, email });
  }
  const outbox = openOutbox(url, () => Promise.resolve(prisma));
  return {
    outbox,
    users,
    close: async () => {
      await outbox.close();
      await prisma.$disconnect();
    },
  };
});
