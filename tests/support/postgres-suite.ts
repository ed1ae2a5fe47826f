// A suite of lib/-level tests run on PostgreSQL: on a fresh database on TEST_POSTGRES_URL's server
// (made when the suite asks for its URL), with this process's outbox and Prisma client closed and
// the database dropped afterwards; skipped, saying how to run it, when TEST_POSTGRES_URL is unset.
import { afterAll, describe } from "vitest";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "./test-postgres";

export function onFreshPostgres(
  what: string,
  suite: (databaseUrl: () => Promise<string>) => void,
): void {
  warnWithoutPostgres(what);
  let database: TestPostgresDatabase | undefined;
  afterAll(async () => {
    if (!database) return;
    const { outbox } = await import("../../lib/outbox/open-outbox");
    const { db } = await import("../../lib/db");
    await (await outbox()).close();
    await (await db()).$disconnect();
    await database.drop();
  });
  describe.skipIf(!postgresUrl)("PostgreSQL", () => {
    suite(async () => {
      database = await createTestPostgresDatabase();
      return database.url;
    });
  });
}
