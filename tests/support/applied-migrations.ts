// Test databases get their migrations as plain SQL (test-app-env, test-postgres); this records
// them in _prisma_migrations as `prisma migrate deploy` would, for checks that read that table.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { Client } from "pg";
import { shippedMigrations } from "../../lib/database-migrations";

const CREATE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) PRIMARY KEY,
  checksum VARCHAR(64) NOT NULL,
  finished_at TIMESTAMPTZ,
  migration_name VARCHAR(255) NOT NULL,
  logs TEXT,
  rolled_back_at TIMESTAMPTZ,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  applied_steps_count INTEGER NOT NULL DEFAULT 0
)`;

/** Records every shipped migration (or `only` these) as applied. */
export async function recordAppliedMigrations(databaseUrl: string, only?: string[]): Promise<void> {
  const names = only ?? shippedMigrations(databaseUrl);
  if (databaseUrl.startsWith("file:")) {
    const sqlite = new Database(databaseUrl.slice("file:".length));
    try {
      sqlite.exec(
        CREATE.replaceAll("TIMESTAMPTZ", "DATETIME").replace("now()", "CURRENT_TIMESTAMP"),
      );
      const insert = sqlite.prepare(
        "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name) VALUES (?, '', CURRENT_TIMESTAMP, ?)",
      );
      for (const name of names) insert.run(randomUUID(), name);
    } finally {
      sqlite.close();
    }
    return;
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(CREATE);
    for (const name of names) {
      await client.query(
        "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name) VALUES ($1, '', now(), $2)",
        [randomUUID(), name],
      );
    }
  } finally {
    await client.end();
  }
}
