// kill -9 of the relay on PostgreSQL (relay-crash-suite.ts), on a fresh database on TEST_POSTGRES_URL's
// server; skipped, saying how to run it, when TEST_POSTGRES_URL is unset.
import { afterAll, describe } from "vitest";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../../support/test-postgres";
import { relayCrashSuite } from "./relay-crash-suite";

warnWithoutPostgres("kill -9 of the relay");

let database: TestPostgresDatabase | undefined;
afterAll(async () => {
  const { outbox } = await import("../../../lib/outbox/open-outbox");
  const { db } = await import("../../../lib/db");
  if (database) {
    await (await outbox()).close();
    await (await db()).$disconnect();
    await database.drop();
  }
});

describe.skipIf(!postgresUrl)("PostgreSQL", () => {
  relayCrashSuite("PostgreSQL", {
    databaseUrl: async () => {
      database = await createTestPostgresDatabase();
      return database.url;
    },
  });
});
