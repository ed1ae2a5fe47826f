// The schema has one source of truth: prisma/schema.prisma. Fails when the generated PostgreSQL
// schema is stale, or when either dialect's committed migrations do not build the tables and
// columns its schema declares (a schema changed without `npm run db:migration`).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { Client } from "pg";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, toPostgresSchema } from "../../scripts/postgres-schema";
import { postgresColumns, schemaColumns, sqliteColumns } from "../support/schema-columns";
import { createTestDatabase } from "../support/test-app-env";
import { createTestPostgresDatabase } from "../support/test-postgres";

const root = path.join(import.meta.dirname, "..", "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const FIX = "change prisma/schema.prisma only, then run: npm run db:migration -- <name>";

// CI sets it (.ci/run); a developer without PostgreSQL still runs the rest of the suite.
const postgresUrl = process.env.TEST_POSTGRES_URL;
if (!postgresUrl) {
  console.warn(
    "schema-drift: PostgreSQL migrations NOT checked — TEST_POSTGRES_URL is unset. Start PostgreSQL " +
      "(e.g. pg_ctlcluster 15 main start) and run with " +
      "TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test",
  );
}

describe("schema drift", () => {
  it("prisma/postgres/schema.prisma is what the generator makes from prisma/schema.prisma", () => {
    expect(read(POSTGRES_SCHEMA), `prisma/postgres/schema.prisma is stale: ${FIX}`).toBe(
      toPostgresSchema(read(SQLITE_SCHEMA)),
    );
  });

  it("the SQLite migrations build the tables and columns of prisma/schema.prisma", () => {
    const db = new Database(createTestDatabase().file, { readonly: true });
    try {
      expect(sqliteColumns(db), `prisma/migrations do not match the schema: ${FIX}`).toEqual(
        schemaColumns(read(SQLITE_SCHEMA), "sqlite"),
      );
    } finally {
      db.close();
    }
  });

  it.skipIf(!postgresUrl)(
    "prisma migrate deploy builds the tables and columns of prisma/postgres/schema.prisma",
    async () => {
      await withFreshPostgresDatabase(postgresUrl!, async (url, client) => {
        // The CLI itself, through prisma/postgres/prisma.config.ts: what an operator runs.
        await promisify(execFile)(
          "npx",
          ["prisma", "migrate", "deploy", "--config", "prisma/postgres/prisma.config.ts"],
          { cwd: root, env: { ...process.env, DATABASE_URL: url, CHECKPOINT_DISABLE: "1" } },
        );
        expect(
          await postgresColumns(client),
          `prisma/postgres/migrations do not match the schema: ${FIX}`,
        ).toEqual(schemaColumns(read(POSTGRES_SCHEMA), "postgresql"));
      });
    },
    120_000,
  );
});

/** Creates an empty database on TEST_POSTGRES_URL's server for one test and drops it afterwards. */
async function withFreshPostgresDatabase(
  baseUrl: string,
  run: (url: string, client: Client) => Promise<void>,
): Promise<void> {
  const database = await createTestPostgresDatabase({ baseUrl, migrate: false });
  try {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await run(database.url, client);
    } finally {
      await client.end();
    }
  } finally {
    await database.drop();
  }
}
