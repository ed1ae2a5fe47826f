// One SQLite connection per process (WAL, synchronous=FULL, busy timeout), shared by Prisma and
// by the outbox's prepared statements (lib/queue/outbox-sql.ts), behind one lock: while a Prisma
// transaction is open on the connection, nothing else runs on it, so no other write can join
// that transaction or be rolled back with it.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import { Mutex } from "async-mutex";
import type BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type Db = PrismaClient;

/** The raw connection under a Prisma client, for the outbox's hot path. */
export interface SqliteConnection {
  /**
   * Runs `work` synchronously on the connection once no Prisma transaction is open on it; wrap
   * writes in `conn.transaction(...).immediate()` so they commit (durably) before this resolves.
   */
  run<T>(work: (conn: BetterSqlite3.Database) => T): Promise<T>;
  /**
   * Group commit: runs `work` in the next shared transaction. Everything queued within one turn
   * of the event loop commits together (each piece in its own savepoint, so one failure undoes
   * only its own writes), and the promise settles once that commit is durable. A commit costs
   * far more than the few rows a message writes, so this is what makes the outbox fast.
   * With `withinMs`, the work may wait up to that long to ride along with other work.
   */
  batch<T>(work: (conn: BetterSqlite3.Database) => T, options?: { withinMs?: number }): Promise<T>;
}

interface Pending {
  work: (conn: BetterSqlite3.Database) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function groupCommitter(conn: BetterSqlite3.Database, lock: Mutex): SqliteConnection["batch"] {
  let pending: Pending[] = [];
  let soon: NodeJS.Immediate | undefined;
  let later: NodeJS.Timeout | undefined;
  const flush = async () => {
    await whenUnlocked(lock);
    if (soon) clearImmediate(soon);
    if (later) clearTimeout(later);
    soon = later = undefined;
    const ops = pending;
    pending = [];
    if (ops.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      conn
        .transaction(() => {
          for (const op of ops) {
            try {
              outcomes.push({ ok: true, value: conn.transaction(op.work)(conn) });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      // The commit itself failed: nothing of this group is durable.
      for (const op of ops) op.reject(error);
      return;
    }
    ops.forEach((op, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) op.resolve(outcome.value);
      else op.reject(outcome?.error);
    });
  };
  return <T>(work: (conn: BetterSqlite3.Database) => T, options: { withinMs?: number } = {}) =>
    new Promise<T>((resolve, reject) => {
      pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (soon) return;
      if (options.withinMs === undefined) soon = setImmediate(() => void flush());
      else later ??= setTimeout(() => void flush(), options.withinMs);
    });
}

// On the client itself: Next.js may load this module more than once in one process.
const CONNECTION = Symbol.for("mailroom.sqliteConnection");
type WithConnection = PrismaClient & { [CONNECTION]?: SqliteConnection };

/** Delegates to Prisma's better-sqlite3 adapter; top-level queries wait for open transactions. */
class LockedAdapter implements SqlDriverAdapter {
  readonly provider;
  readonly adapterName;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly lock: Mutex,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async queryRaw(query: SqlQuery) {
    await whenUnlocked(this.lock);
    return this.inner.queryRaw(query);
  }

  async executeRaw(query: SqlQuery) {
    await whenUnlocked(this.lock);
    return this.inner.executeRaw(query);
  }

  executeScript(script: string) {
    return this.inner.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.lock.acquire();
    try {
      const tx = await this.inner.startTransaction(isolationLevel);
      return {
        provider: tx.provider,
        adapterName: tx.adapterName,
        options: tx.options,
        queryRaw: (query) => tx.queryRaw(query),
        executeRaw: (query) => tx.executeRaw(query),
        commit: () => tx.commit().finally(release),
        rollback: () => tx.rollback().finally(release),
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  dispose() {
    return this.inner.dispose();
  }
}

/** Resolves in a turn where the lock is free; the caller must then run its SQL synchronously. */
async function whenUnlocked(lock: Mutex): Promise<void> {
  while (lock.isLocked()) await lock.waitForUnlock();
}

/** Opens a client on the given database URL and applies Mailroom's SQLite settings. */
export async function openDb(databaseUrl: string): Promise<PrismaClient> {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("Only SQLite (file:) databases are supported by this build; see README.");
  }
  const inner = await new PrismaBetterSQLite3({ url: databaseUrl, timeout: 10_000 }).connect();
  // The adapter keeps its better-sqlite3 handle as `client`.
  const conn = (inner as unknown as { client: BetterSqlite3.Database }).client;
  conn.pragma("journal_mode = WAL");
  conn.pragma("synchronous = FULL");
  conn.pragma("busy_timeout = 10000");
  conn.pragma("foreign_keys = ON");

  const lock = new Mutex();
  const adapter = new LockedAdapter(inner, lock);
  const factory: SqlDriverAdapterFactory = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: () => Promise.resolve(adapter),
  };
  const client = new PrismaClient({ adapter: factory });
  const connection: SqliteConnection = {
    async run(work) {
      await whenUnlocked(lock);
      return work(conn);
    },
    batch: groupCommitter(conn, lock),
  };
  Object.defineProperty(client, CONNECTION, { value: connection });
  return client;
}

/** The raw connection of a client opened by openDb. */
export function sqliteOf(client: PrismaClient): SqliteConnection {
  const connection = (client as WithConnection)[CONNECTION];
  if (!connection) throw new Error("This Prisma client was not opened by lib/db.ts openDb().");
  return connection;
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
