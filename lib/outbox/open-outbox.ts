// Chooses the outbox's engine by DATABASE_URL and keeps one outbox per process.
import path from "node:path";
import { db, type Db } from "../db";
import { env } from "../env";
import type { Outbox } from "./outbox";
import { SqliteOutbox } from "./sqlite/sqlite-outbox";

/**
 * An outbox on `databaseUrl`. `prisma` is the client its read queries use (the process-wide
 * one unless given); the outbox never closes it.
 */
export function openOutbox(databaseUrl: string, prisma: () => Promise<Db> = db): Outbox {
  if (databaseUrl.startsWith("file:")) {
    return new SqliteOutbox(path.resolve(databaseUrl.slice("file:".length)), prisma);
  }
  const scheme = databaseUrl.split(":")[0] ?? "";
  throw new Error(
    `DATABASE_URL: the outbox does not support "${scheme}:" databases yet; use a file: (SQLite) URL.`,
  );
}

// On globalThis: Next.js may load this module more than once in one process.
const globalForOutbox = globalThis as unknown as { mailroomOutbox?: Outbox };

/** The process-wide outbox on the configured database. */
export function outbox(): Promise<Outbox> {
  globalForOutbox.mailroomOutbox ??= openOutbox(env().DATABASE_URL);
  return Promise.resolve(globalForOutbox.mailroomOutbox);
}
