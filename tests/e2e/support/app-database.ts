// The database the app under test runs on, chosen per Playwright project (playwright.config.ts):
// SQLite unless the project sets `database: "postgres"`. On PostgreSQL, a run without
// TEST_POSTGRES_URL skips those tests and says once how to run them.
import { test as base } from "@playwright/test";
import { postgresUrl, warnWithoutPostgres } from "../../support/test-postgres";

export type AppDatabase = "sqlite" | "postgres";

export interface AppDatabaseOptions {
  database: AppDatabase;
}

export const test = base.extend<object, AppDatabaseOptions & { databaseAvailable: boolean }>({
  database: ["sqlite", { option: true, scope: "worker" }],
  databaseAvailable: [
    async ({ database }, use) => {
      if (database === "postgres")
        warnWithoutPostgres('Playwright project "postgres" (the send flow in Chromium)');
      await use(database === "sqlite" || postgresUrl !== undefined);
    },
    { scope: "worker" },
  ],
});

/** Skips the file's tests (before any beforeAll starts a server) when their database is absent. */
export function skipWithoutDatabase(): void {
  test.skip(
    ({ databaseAvailable }) => !databaseAvailable,
    "TEST_POSTGRES_URL is unset (e.g. TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test)",
  );
}
