// What `npm start` and `npm run worker` do with the database before anything else: wait for a
// PostgreSQL server to accept connections and, for `npm start`, apply this version's migrations
// (SQLite: prisma/migrations; PostgreSQL: prisma/postgres/migrations). A database that cannot be
// used ends the process with one line saying why.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { databaseKind } from "../lib/database-url";
import { doublingDelayMs } from "../lib/errors/doubling-delay";
import { PostgresUnusableError, waitForPostgres } from "../lib/postgres/wait-for-postgres";
import { pendingMigrations } from "./pending-migrations";
import { runCapturingOutput } from "./run";

const MAX_DELAY_MS = 30_000;

export class MigrationFailedError extends Error {
  constructor(code: number) {
    super(
      `Mailroom: applying the database migrations failed (prisma migrate deploy exited with ${code}); its output is above.`,
    );
    this.name = "MigrationFailedError";
  }
}

/** Waits until a PostgreSQL server accepts Mailroom (SQLite: nothing to wait for). */
export async function waitForDatabase(databaseUrl: string): Promise<void> {
  if (databaseKind(databaseUrl) === "postgres") await waitForPostgres(databaseUrl);
}

/** Waits for the database, then brings its schema to the latest migration. */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const postgres = databaseKind(databaseUrl) === "postgres";
  if (postgres) await waitForPostgres(databaseUrl);
  else mkdirSync(path.dirname(databaseUrl.slice("file:".length)), { recursive: true });
  // Nothing to apply: migrate deploy is not run at all. On SQLite it needs the database to itself
  // (an exclusive lock), so it would fail while a worker has the database open.
  if ((await pendingMigrations(databaseUrl)).length === 0) return;
  const config = postgres ? ["--config", "prisma/postgres/prisma.config.ts"] : [];
  for (let failures = 1; ; failures++) {
    const { code, output } = await runCapturingOutput(
      "npx",
      ["prisma", "migrate", "deploy", ...config],
      { env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1" } },
    );
    if (code === 0) {
      process.stdout.write(output);
      return;
    }
    const delayMs = doublingDelayMs(failures, MAX_DELAY_MS);
    // P1002: PostgreSQL did not answer in time, or another process starting at the same moment
    // holds migrate deploy's lock (10 s at most) while it applies the migrations. Either passes.
    if (postgres && output.includes("P1002")) {
      console.error(
        `Mailroom: the migrations are being applied by another process, or PostgreSQL is slow to answer; retrying in ${delayMs / 1000} s`,
      );
    } else if (!postgres && output.includes("SocketTimeout")) {
      console.error(
        `Mailroom: applying the migrations needs the SQLite database to itself, and another process has it open; stop the other Mailroom processes on it (npm run worker, another npm start); retrying in ${delayMs / 1000} s`,
      );
    } else {
      process.stderr.write(output);
      throw new MigrationFailedError(code);
    }
    await sleep(delayMs);
  }
}

/** Runs a database step; if the database cannot be used, prints why and exits with 1. */
export async function databaseStepOrExit(step: Promise<void>): Promise<void> {
  try {
    await step;
  } catch (error) {
    if (!(error instanceof PostgresUnusableError || error instanceof MigrationFailedError)) {
      throw error;
    }
    console.error(error.message);
    process.exit(1);
  }
}
