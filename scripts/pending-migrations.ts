// Which of this version's migrations a database has not applied yet: every one of them when the
// database or its _prisma_migrations table is missing or cannot be read (migrate deploy then
// runs and says what is wrong).
import path from "node:path";
import { appliedMigrations, shippedMigrations } from "../lib/database-migrations";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");

export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const shipped = shippedMigrations(databaseUrl, PROJECT_ROOT);
  const applied = new Set(await appliedMigrations(databaseUrl).catch(() => null));
  return shipped.filter((name) => !applied.has(name));
}
