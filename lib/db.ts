// The database: Prisma over its better-sqlite3 adapter (WAL, synchronous=FULL, busy timeout).
// The outbox's writes do not go through this client; they belong to lib/outbox's engine.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type Db = PrismaClient;

/** Opens a client on the given database URL and applies Mailroom's SQLite settings. */
export async function openDb(databaseUrl: string): Promise<PrismaClient> {
  if (!databaseUrl.startsWith("file:")) {
    const scheme = databaseUrl.split(":")[0] ?? "";
    throw new Error(
      `DATABASE_URL: "${scheme}:" databases are not supported yet; use a file: (SQLite) URL.`,
    );
  }
  const adapter = await new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 }).connect();
  // The adapter keeps its better-sqlite3 handle as `client`.
  const conn = (adapter as unknown as { client: BetterSqlite3.Database }).client;
  conn.pragma("journal_mode = WAL");
  // Every commit reaches the disk before it returns (the outbox's engine relaxes this only for
  // writes whose loss can at worst cause a resend).
  conn.pragma("synchronous = FULL");
  conn.pragma("busy_timeout = 10000");
  conn.pragma("foreign_keys = ON");

  return new PrismaClient({
    adapter: {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      connect: () => Promise.resolve(adapter),
    },
  });
}

const globalForDb = globalThis as unknown as { mailroomDb?: PrismaClient };
let opening: Promise<PrismaClient> | undefined;

/** The process-wide client for the configured database. */
export function db(): Promise<PrismaClient> {
  if (globalForDb.mailroomDb) return Promise.resolve(globalForDb.mailroomDb);
  opening ??= openDb(env().DATABASE_URL).then((client) => {
    globalForDb.mailroomDb = client;
    return client;
  });
  return opening;
}
