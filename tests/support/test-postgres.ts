// PostgreSQL for tests: a fresh database per suite on TEST_POSTGRES_URL's server, with the
// committed PostgreSQL migrations applied. Without TEST_POSTGRES_URL the PostgreSQL suites are
// skipped with a line saying how to run them (CI always sets it: .ci/run).
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";

export const postgresUrl = process.env.TEST_POSTGRES_URL;

const HOW =
  "start PostgreSQL (e.g. pg_ctlcluster 15 main start) and run with " +
  "TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test";

/** Says, once per file, that `what` was not run on PostgreSQL and how to run it. */
export function warnWithoutPostgres(what: string): void {
  if (!postgresUrl)
    console.warn(`${what}: NOT run on PostgreSQL — TEST_POSTGRES_URL is unset; ${HOW}`);
}

function urlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(baseUrl: string, run: (client: Client) => Promise<T>): Promise<T> {
  // The maintenance database: TEST_POSTGRES_URL's own database need not exist.
  const client = new Client({ connectionString: urlFor(baseUrl, "postgres") });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TestPostgresDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** An empty database (`migrate: false`) or one with every committed migration applied. */
export async function createTestPostgresDatabase(
  options: { migrate?: boolean; baseUrl?: string } = {},
): Promise<TestPostgresDatabase> {
  const baseUrl = options.baseUrl ?? postgresUrl;
  if (!baseUrl) throw new Error(`TEST_POSTGRES_URL is unset: ${HOW}`);
  const name = `mailroom_test_${randomBytes(6).toString("hex")}`;
  await admin(baseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = urlFor(baseUrl, name);
  if (options.migrate !== false) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const dir = path.join(import.meta.dirname, "..", "..", "prisma", "postgres", "migrations");
      for (const entry of readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .sort((a, b) => a.name.localeCompare(b.name))) {
        await client.query(readFileSync(path.join(dir, entry.name, "migration.sql"), "utf8"));
      }
    } finally {
      await client.end();
    }
  }
  return {
    url,
    name,
    drop: () =>
      admin(baseUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/**
 * The engines a test of reads runs on, each opening a fresh database with every migration:
 * SQLite always, PostgreSQL when TEST_POSTGRES_URL is set (`run` false otherwise).
 */
export const READ_TEST_ENGINES = [
  {
    name: "SQLite",
    run: true,
    open: async (): Promise<{ url: string; drop(): Promise<void> }> => {
      const { createTestDatabase } = await import("./test-app-env");
      return { url: createTestDatabase().url, drop: () => Promise.resolve() };
    },
  },
  {
    name: "PostgreSQL",
    run: Boolean(postgresUrl),
    open: (): Promise<{ url: string; drop(): Promise<void> }> => createTestPostgresDatabase(),
  },
];
