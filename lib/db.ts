// One Prisma client per process, on SQLite (WAL, synchronous=FULL, busy timeout).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type Db = PrismaClient;

const globalForDb = globalThis as unknown as { mailroomDb?: PrismaClient };

/** Opens a client on the given database URL and applies Mailroom's SQLite settings. */
export async function openDb(databaseUrl: string): Promise<PrismaClient> {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("Only SQLite (file:) databases are supported by this build; see README.");
  }
  const client = new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 }),
  });
  // journal_mode returns a row, so it goes through $queryRawUnsafe.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = FULL");
  await client.$executeRawUnsafe("PRAGMA busy_timeout = 10000");
  await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return client;
}

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
