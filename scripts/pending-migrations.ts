// Which of this version's migrations a database has not applied yet, read from the table Prisma
// Migrate keeps (_prisma_migrations): every one of them when the database or the table is missing
// or cannot be read (migrate deploy then runs and says what is wrong).
import { readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind } from "../lib/database-url";

const PRISMA_DIR = path.resolve(import.meta.dirname, "..", "prisma");
const APPLIED =
  "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";

export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const postgres = databaseKind(databaseUrl) === "postgres";
  const folder = postgres
    ? path.join(PRISMA_DIR, "postgres", "migrations")
    : path.join(PRISMA_DIR, "migrations");
  const shipped = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const applied = new Set(
    postgres ? await appliedOnPostgres(databaseUrl) : appliedOnSqlite(databaseUrl),
  );
  return shipped.filter((name) => !applied.has(name));
}

function appliedOnSqlite(databaseUrl: string): string[] {
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(databaseUrl.slice("file:".length), {
      readonly: true,
      fileMustExist: true,
    });
    const hasTable = sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return [];
    return sqlite
      .prepare<[], { migration_name: string }>(APPLIED)
      .all()
      .map((row) => row.migration_name);
  } catch {
    // No database file yet, or one that cannot be read: migrate deploy finds out.
    return [];
  } finally {
    sqlite?.close();
  }
}

async function appliedOnPostgres(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "mailroom" });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const table = await client.query<{ name: string | null }>(
      "SELECT to_regclass('_prisma_migrations') AS name",
    );
    if (table.rows[0]?.name === null) return [];
    const rows = await client.query<{ migration_name: string }>(APPLIED);
    return rows.rows.map((row) => row.migration_name);
  } catch {
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}
