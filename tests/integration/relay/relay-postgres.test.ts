// The SMTP relay on PostgreSQL (relay-suite.ts), on a fresh database on TEST_POSTGRES_URL's
// server; skipped, saying how to run it, when TEST_POSTGRES_URL is unset.
import { afterAll, describe } from "vitest";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../../support/test-postgres";
import { relaySuite } from "./relay-suite";

warnWithoutPostgres("the SMTP relay");

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
  relaySuite("PostgreSQL", {
    databaseUrl: async () => {
      database = await createTestPostgresDatabase();
      return database.url;
    },
  });
});
