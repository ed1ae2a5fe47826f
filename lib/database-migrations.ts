// Which migrations this version ships and which a database has applied, read from the table
// Prisma Migrate keeps (_prisma_migrations) over a connection of its own: a SQLite file is opened
// read-only and never created, so asking about a database that is not there leaves none behind.
import { readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind } from "./database-url";

const APPLIED =
  "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";

/** The migration folders for the database's engine, oldest first. */
export function shippedMigrations(databaseUrl: string, projectRoot = process.cwd()): string[] {
  const prisma = path.join(projectRoot, "prisma");
  const folder =
    databaseKind(databaseUrl) === "postgres"
      ? path.join(prisma, "postgres", "migrations")
      : path.join(prisma, "migrations");
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * The migrations the database has applied; null when it has no _prisma_migrations table (never
 * migrated). Throws when the database cannot be opened: no file, no server, refused login.
 */
export async function appliedMigrations(
  databaseUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<string[] | null> {
  return databaseKind(databaseUrl) === "postgres"
    ? appliedOnPostgres(databaseUrl, options.timeoutMs ?? 10_000)
    : appliedOnSqlite(databaseUrl);
}

function appliedOnSqlite(databaseUrl: string): string[] | null {
  const sqlite = new Database(databaseUrl.slice("file:".length), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const hasTable = sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return null;
    return sqlite
      .prepare<[], { migration_name: string }>(APPLIED)
      .all()
      .map((row) => row.migration_name);
  } finally {
    sqlite.close();
  }
}

async function appliedOnPostgres(databaseUrl: string, timeoutMs: number): Promise<string[] | null> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: "mailroom",
    connectionTimeoutMillis: timeoutMs,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const table = await client.query<{ name: string | null }>(
      "SELECT to_regclass('_prisma_migrations') AS name",
    );
    if (table.rows[0]?.name === null) return null;
    const rows = await client.query<{ migration_name: string }>(APPLIED);
    return rows.rows.map((row) => row.migration_name);
  } finally {
    await client.end().catch(() => undefined);
  }
}
