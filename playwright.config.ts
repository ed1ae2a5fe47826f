import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/chromium";
import type { AppDatabaseOptions } from "./tests/e2e/support/app-database";

export default defineConfig<object, AppDatabaseOptions>({
  testDir: "tests/e2e",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
    trace: "retain-on-failure",
  },
  projects: [
    // Every spec, on SQLite.
    { name: "sqlite", use: { database: "sqlite" } },
    // The send flow, with the in-process worker and with `npm run worker` beside a web-only
    // app, again on a fresh PostgreSQL database on TEST_POSTGRES_URL (skipped, saying how to run
    // it, when unset): the same build, which picks its engines by DATABASE_URL.
    {
      name: "postgres",
      testMatch: ["send-flow.spec.ts", "worker-process.spec.ts"],
      use: { database: "postgres" },
    },
  ],
});
