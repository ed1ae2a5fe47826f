// Group commit on one SQLite connection: work queued together commits in one transaction, and
// only work that must be durable pays for an fsync. Used by the outbox's database thread
// (thread.ts), which owns the connection.
import type BetterSqlite3 from "better-sqlite3";

type Conn = BetterSqlite3.Database;

/** How every commit on the connection reaches the disk unless a piece says it need not. */
export const DURABLE_SYNCHRONOUS = "FULL";

export interface CommitOptions {
  /**
   * false: the commit need not reach the disk before the caller resumes (no fsync). It is still
   * atomic and visible to every other connection at once, survives a crash of the process, and
   * becomes durable with the next durable commit; only a power cut or OS crash can roll it back.
   * For writes whose loss can at worst cause a resend, never a lost message: a claim's lease,
   * the record of a 250. Default true.
   */
  durable?: boolean;
}

interface Pending {
  work: (conn: Conn) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * How long durable work waits for more durable work to share its fsync. A burst of accepted
 * messages arrives over a few milliseconds; gathering it costs each message about this much
 * latency and saves most of the fsyncs.
 */
const DURABLE_GATHER_MS = 1;

export class GroupCommitter {
  // Prepared once: conn.transaction() per group would cost more than the group's SQL.
  private readonly sql;
  // Durable work gathers for a moment and commits with an fsync; work that need not be durable
  // commits in the next turn of the event loop, without one, so it never waits for or forces one.
  private readonly durable: PendingQueue;
  private readonly lazy = new PendingQueue(0, (ops) => this.flush(ops, false));

  constructor(
    private readonly conn: Conn,
    options: { durableGatherMs?: number } = {},
  ) {
    this.sql = {
      begin: conn.prepare("BEGIN IMMEDIATE"),
      commit: conn.prepare("COMMIT"),
      rollback: conn.prepare("ROLLBACK"),
    };
    this.durable = new PendingQueue(options.durableGatherMs ?? DURABLE_GATHER_MS, (ops) =>
      this.flush(ops, true),
    );
  }

  /**
   * Runs `work` in a shared transaction and settles once that commit is done: durably, after
   * gathering other durable work for a moment, or (durable: false) in the next turn of the event
   * loop without an fsync. A piece that throws fails alone: the rest of its group still
   * commits. `work` must be synchronous and safe to run twice (after a failed group, the pieces
   * run again one by one).
   */
  submit<T>(work: (conn: Conn) => T, options: CommitOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queue = (options.durable ?? true) ? this.durable : this.lazy;
      queue.add({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Runs `ops` in one transaction; throws (having rolled back) if any piece or the commit fails. */
  private commitAll(ops: Pending[]): unknown[] {
    this.sql.begin.run();
    try {
      const values = ops.map((op) => op.work(this.conn));
      this.sql.commit.run();
      return values;
    } catch (error) {
      if (this.conn.inTransaction) this.sql.rollback.run();
      throw error;
    }
  }

  private flush(ops: Pending[], durable: boolean): void {
    // (PRAGMA synchronous acts when compiled, so it cannot be a prepared statement.)
    if (!durable) this.conn.exec("PRAGMA synchronous = NORMAL");
    try {
      // Pieces rarely fail, so the group runs without savepoints; if something does fail,
      // nothing of the group was kept, and each piece runs again in a transaction of its own so
      // that only the failing one fails.
      let values: unknown[];
      try {
        values = this.commitAll(ops);
      } catch (error) {
        if (ops.length === 1) throw error;
        for (const op of ops) {
          try {
            op.resolve(this.commitAll([op])[0]);
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
      // Everything else on this connection commits durably.
      if (!durable) this.conn.exec(`PRAGMA synchronous = ${DURABLE_SYNCHRONOUS}`);
    }
  }
}

/** Work waiting for a commit: flushed `delayMs` after the first piece (0: the next turn). */
class PendingQueue {
  private ops: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly delayMs: number,
    private readonly onDue: (ops: Pending[]) => void,
  ) {}

  add(op: Pending): void {
    this.ops.push(op);
    if (this.scheduled) return;
    this.scheduled = true;
    const due = () => {
      this.scheduled = false;
      const ops = this.ops;
      this.ops = [];
      this.onDue(ops);
    };
    if (this.delayMs > 0) setTimeout(due, this.delayMs);
    else setImmediate(due);
  }
}
