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

/** Every commit reaches the disk before it is reported, unless a batch says it need not. */
const SYNCHRONOUS = "FULL";

/**
 * The raw connection under a Prisma client, for the outbox's hot path. Both methods wait while a
 * Prisma transaction is open, so never await them inside one: it would wait for itself.
 */
export interface SqliteConnection {
  /**
   * Runs `work` synchronously on the connection once no Prisma transaction is open on it; wrap
   * writes in `conn.transaction(...).immediate()` so they commit (durably) before this resolves.
   */
  run<T>(work: (conn: BetterSqlite3.Database) => T): Promise<T>;
  /**
   * Group commit: runs `work` in the next shared transaction. Everything queued within one turn
   * of the event loop commits together (all or nothing per piece: a piece that throws fails
   * alone), and the promise settles once that commit is durable. A commit costs far more than
   * the few rows a message writes, so this is what makes the outbox fast. `work` must be
   * synchronous and safe to run twice (after a failed group, the pieces run again one by one).
   */
  batch<T>(work: (conn: BetterSqlite3.Database) => T, options?: BatchOptions): Promise<T>;
}

interface Pending {
  work: (conn: BetterSqlite3.Database) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface BatchOptions {
  /**
   * false: the commit need not reach the disk before the caller resumes (no fsync). It is still
   * atomic and visible to every other connection at once, survives a crash of this process,
   * and becomes durable with the next durable commit; only a power cut or OS crash can roll it
   * back. For writes whose loss can at worst cause a resend, never a lost message: a claim's
   * lease, the record of a 250. Default true.
   */
  durable?: boolean;
  /** The work may wait up to this long to share a commit with other work. Default: next turn. */
  withinMs?: number;
}

function groupCommitter(conn: BetterSqlite3.Database, lock: Mutex): SqliteConnection["batch"] {
  // Prepared once: conn.transaction() per group would cost more than the group's SQL.
  const prepare = (text: string) => conn.prepare(text);
  const sql = {
    begin: prepare("BEGIN IMMEDIATE"),
    commit: prepare("COMMIT"),
    rollback: prepare("ROLLBACK"),
  };
  // Durable work waits for its own deadline and takes the rest along; work that need not be
  // durable commits on its own without an fsync, so it never forces one.
  const durableQueue = new PendingQueue(() => void flush(true));
  const lazyQueue = new PendingQueue(() => void flush(false));
  /** Runs `ops` in one transaction; throws (having rolled back) if any piece or the commit fails. */
  const commitAll = (ops: Pending[]): unknown[] => {
    sql.begin.run();
    try {
      const values = ops.map((op) => op.work(conn));
      sql.commit.run();
      return values;
    } catch (error) {
      if (conn.inTransaction) sql.rollback.run();
      throw error;
    }
  };
  const flush = async (durable: boolean) => {
    await whenUnlocked(lock);
    const ops = durable ? [...durableQueue.take(), ...lazyQueue.take()] : lazyQueue.take();
    if (ops.length === 0) return;
    // (PRAGMA synchronous acts when compiled, so it cannot be a prepared statement.)
    if (!durable) conn.exec("PRAGMA synchronous = NORMAL");
    try {
      // Pieces rarely fail, so the group runs without savepoints; if something does fail,
      // nothing of the group was kept, and each piece runs again in a transaction of its own so
      // that only the failing one fails.
      let values: unknown[];
      try {
        values = commitAll(ops);
      } catch (error) {
        if (ops.length === 1) throw error;
        for (const op of ops) {
          try {
            op.resolve(commitAll([op])[0]);
          } catch (own) {
            op.reject(own);
          }
        }
        return;
      }
      ops.forEach((op, i) => op.resolve(values[i]));
    } catch (error) {
      for (const op of ops) op.reject(error);
    } finally {
      // Everything else on this connection (Prisma's writes included) commits durably.
      if (!durable) conn.exec(`PRAGMA synchronous = ${SYNCHRONOUS}`);
    }
  };
  return <T>(work: (conn: BetterSqlite3.Database) => T, options: BatchOptions = {}) =>
    new Promise<T>((resolve, reject) => {
      const queue = (options.durable ?? true) ? durableQueue : lazyQueue;
      queue.add(
        { work, resolve: resolve as (value: unknown) => void, reject },
        performance.now() + (options.withinMs ?? 0),
      );
    });
}

/** Work waiting for a commit, and the timer for the earliest deadline among it. */
class PendingQueue {
  private ops: Pending[] = [];
  private timer: { at: number; cancel: () => void } | undefined;

  constructor(private readonly onDue: () => void) {}

  /** Queues `op` to be flushed by `at` (a performance.now() time). */
  add(op: Pending, at: number): void {
    this.ops.push(op);
    if (this.timer && this.timer.at <= at) return;
    this.timer?.cancel();
    const delay = at - performance.now();
    if (delay <= 0) {
      const handle = setImmediate(this.onDue);
      this.timer = { at, cancel: () => clearImmediate(handle) };
    } else {
      const handle = setTimeout(this.onDue, delay);
      this.timer = { at, cancel: () => clearTimeout(handle) };
    }
  }

  take(): Pending[] {
    this.timer?.cancel();
    this.timer = undefined;
    const ops = this.ops;
    this.ops = [];
    return ops;
  }
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
  conn.pragma(`synchronous = ${SYNCHRONOUS}`);
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
