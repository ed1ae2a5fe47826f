// Group commit on one SQLite connection: work queued together commits in one transaction, and
// only work that must be durable pays for an fsync. Used by the outbox's database thread
// (lib/queue/outbox-thread.ts), which owns the connection.
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
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  // Prepared once: conn.transaction() per group would cost more than the group's SQL.
  private readonly sql;
  // Work submitted in one turn of the event loop commits together in the next. The group is
  // fsynced when any piece must be durable; otherwise it commits without an fsync.
  private pending: Pending[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly conn: Conn) {
    this.sql = {
      begin: conn.prepare("BEGIN IMMEDIATE"),
      commit: conn.prepare("COMMIT"),
      rollback: conn.prepare("ROLLBACK"),
    };
  }

  /**
   * Runs `work` in the next shared transaction (whatever else is submitted before the next turn
   * of the event loop shares it) and settles once that commit is done (durably, unless the
   * options say otherwise). A piece that throws fails alone: the rest of its group still
   * commits. `work` must be synchronous and safe to run twice (after a failed group, the pieces
   * run again one by one).
   */
  submit<T>(work: (conn: Conn) => T, options: CommitOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        work,
        durable: options.durable ?? true,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.scheduled ??= setImmediate(() => this.flush());
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

  private flush(): void {
    const ops = this.pending;
    this.pending = [];
    this.scheduled = undefined;
    const durable = ops.some((op) => op.durable);
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
