// Setup check: the database in DATABASE_URL opens (SQLite file, PostgreSQL server) and has every
// migration this version ships. Never creates or changes anything.
import "server-only";
import { existsSync } from "node:fs";
import { appliedMigrations, shippedMigrations } from "../database-migrations";
import { databaseKind, postgresTarget } from "../database-url";
import { oneLine } from "../errors/one-line";
import type { SetupCheckResult } from "./types";

const TITLE = "Database";
const MIGRATE = "`npm run db:migrate` (`npm start` also applies migrations before it serves)";

/**
 * The check's line, and whether Mailroom's tables can be read (the database opens and was migrated
 * at least once), so the worker check can read heartbeats without touching anything else.
 */
export async function checkDatabase(
  databaseUrl: string,
  timeoutMs: number,
): Promise<{ result: SetupCheckResult; tablesReadable: boolean }> {
  const postgres = databaseKind(databaseUrl) === "postgres";
  const where = postgres
    ? `PostgreSQL at ${postgresTarget(databaseUrl)}`
    : `SQLite file ${databaseUrl.slice("file:".length)}`;
  const fail = (summary: string, fix: string): SetupCheckResult => ({
    id: "database",
    title: TITLE,
    status: "fail",
    summary,
    fix,
  });
  const closed = (summary: string, fix: string) => ({
    result: fail(summary, fix),
    tablesReadable: false,
  });

  const file = databaseUrl.slice("file:".length);
  if (!postgres && !existsSync(file)) {
    return closed(
      `${where} does not exist.`,
      `Check DATABASE_URL (a relative path is taken from the directory Mailroom starts in), or create the database: run ${MIGRATE}.`,
    );
  }
  let applied: string[] | null;
  try {
    applied = await appliedMigrations(databaseUrl, { timeoutMs });
  } catch (error) {
    const reason = oneLine(error);
    if (!postgres) {
      return closed(
        `${where} cannot be opened: ${reason}.`,
        "Check DATABASE_URL, and that the file is a SQLite database this user may read.",
      );
    }
    return closed(
      `${where} is not reachable: ${reason}.`,
      "Check that PostgreSQL runs and accepts connections from this machine, and the host, port, database name, user and password in DATABASE_URL.",
    );
  }
  let shipped: string[];
  try {
    shipped = shippedMigrations(databaseUrl);
  } catch (error) {
    return {
      result: fail(
        `This version's migrations could not be listed: ${oneLine(error)}.`,
        "Run Mailroom (and `npm run doctor`) from its own directory, where prisma/ is.",
      ),
      tablesReadable: applied !== null,
    };
  }
  const missing = shipped.filter((name) => !(applied ?? []).includes(name));
  if (missing.length > 0) {
    const result: SetupCheckResult = {
      ...fail(
        applied === null
          ? `${where} opens but was never migrated (no _prisma_migrations table).`
          : `${where} opens but lacks ${missing.length} of ${shipped.length} migrations.`,
        `Run ${MIGRATE}.`,
      ),
      details: missing.map((name) => `not applied: ${name}`),
    };
    return { result, tablesReadable: applied !== null };
  }
  return {
    result: {
      id: "database",
      title: TITLE,
      status: "ok",
      summary: `${where}: reachable, all ${shipped.length} migrations applied.`,
    },
    tablesReadable: true,
  };
}
