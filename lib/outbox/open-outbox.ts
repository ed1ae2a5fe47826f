// Chooses the outbox's engine by DATABASE_URL and keeps one outbox per process.
import path from "node:path";
import { databaseKind } from "../database-url";
import { db, type Db } from "../db";
import { env } from "../env";
import type { Outbox } from "./outbox";
import { PostgresOutbox } from "./postgres/postgres-outbox";
import { SqliteOutbox } from "./sqlite/sqlite-outbox";

/**
 * An outbox on `databaseUrl`. `prisma` is the client its read queries use (the process-wide
 * one unless given); the outbox never closes it.
 */
export function openOutbox(
  databaseUrl: string,
  prisma: () => Promise<Db> = db,
  options: { poolSize?: number } = {},
): Outbox {
  if (databaseKind(databaseUrl) === "postgres") {
    return new PostgresOutbox(databaseUrl, prisma, { poolSize: options.poolSize ?? 5 });
  }
  return new SqliteOutbox(path.resolve(databaseUrl.slice("file:".length)), prisma);
}

// On globalThis: Next.js may load this module more than once in one process.
const globalForOutbox = globalThis as unknown as { mailroomOutbox?: Outbox };

/** The process-wide outbox on the configured database. */
export function outbox(): Promise<Outbox> {
  const config = env();
  globalForOutbox.mailroomOutbox ??= openOutbox(config.DATABASE_URL, db, {
    poolSize: config.DATABASE_POOL_SIZE,
  });
  return Promise.resolve(globalForOutbox.mailroomOutbox);
}
