// The outbox contract on both engines: SQLite, and PostgreSQL on TEST_POSTGRES_URL's server
// (CI always sets it; without it the PostgreSQL run is skipped with a line saying how to run it).
import { describe } from "vitest";
import { openDb, type Db } from "../../../lib/db";
import { openOutbox } from "../../../lib/outbox/open-outbox";
import { createTestDatabase } from "../../support/test-app-env";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
} from "../../support/test-postgres";
import { outboxContract, type ContractFixture } from "./outbox-contract";

async function fixture(url: string, dropDatabase?: () => Promise<void>): Promise<ContractFixture> {
  const prisma = await openDb(url);
  const users = await seedUsers(prisma);
  const outbox = openOutbox(url, () => Promise.resolve(prisma));
  return {
    outbox,
    users,
    deleteMessage: async (id) => {
      await prisma.message.delete({ where: { id } });
    },
    close: async () => {
      await outbox.close();
      await prisma.$disconnect();
      await dropDatabase?.();
    },
  };
}

async function seedUsers(prisma: Db): Promise<ContractFixture["users"]> {
  const users = [];
  for (const name of ["first", "second", "limited", "paced", "small"]) {
    const email = `${name}@contract.test`;
    const user = await prisma.user.create({ data: { email } });
    const account = await prisma.account.create({
      data: { userId: user.id, provider: "google", providerAccountId: name, email },
    });
    users.push({ userId: user.id, accountId: account.id, email });
  }
  return users;
}

outboxContract("SQLite", () => fixture(createTestDatabase().url));

warnWithoutPostgres("the outbox contract");
describe.skipIf(!postgresUrl)("PostgreSQL", () => {
  outboxContract("PostgreSQL", async () => {
    const database = await createTestPostgresDatabase();
    return fixture(database.url, () => database.drop());
  });
});
