// The database: Prisma over its better-sqlite3 adapter (WAL, synchronous=FULL, busy timeout)
// for the app, and for the outbox's hot path a database thread with a connection of its own
// (lib/queue/outbox-client.ts), so the outbox's commits never block this thread's event loop.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { OutboxClient } from "./queue/outbox-client";
import { DURABLE_SYNCHRONOUS } from "./queue/group-commit";

export type Db = PrismaClient;

// On the client itself: Next.js may load this module more than once in one process.
const OUTBOX = Symbol.for("mailroom.outbox");
type WithOutbox = PrismaClient & { [OUTBOX]?: OutboxClient };

/** Opens a client on the given database URL and applies Mailroom's SQLite settings. */
export async function openDb(databaseUrl: string): Promise<PrismaClient> {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("Only SQLite (file:) databases are supported by this build; see README.");
  }
  const adapter = await new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 }).connect();
  // The adapter keeps its better-sqlite3 handle as `client`.
  const conn = (adapter as unknown as { client: BetterSqlite3.Database }).client;
  conn.pragma("journal_mode = WAL");
  conn.pragma(`synchronous = ${DURABLE_SYNCHRONOUS}`);
  conn.pragma("busy_timeout = 10000");
  conn.pragma("foreign_keys = ON");

  const client = new PrismaClient({
    adapter: {
      provider: adapter.provider,
      adapterName: adapter.adapterName,
      connect: () => Promise.resolve(adapter),
    },
  });
  const outbox = new OutboxClient(path.resolve(databaseUrl.slice("file:".length)));
  Object.defineProperty(client, OUTBOX, { value: outbox });
  // Disconnecting the client also ends the outbox's thread (after its outstanding work).
  const disconnect = client.$disconnect.bind(client);
  Object.defineProperty(client, "$disconnect", {
    value: async () => {
      await outbox.close();
      await disconnect();
    },
  });
  return client;
}

/** The outbox's database thread for a client opened by openDb. */
export function outboxOf(client: PrismaClient): OutboxClient {
  const outbox = (client as WithOutbox)[OUTBOX];
  if (!outbox) throw new Error("This Prisma client was not opened by lib/db.ts openDb().");
  return outbox;
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
