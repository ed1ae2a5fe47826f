// Transactions and retries on the PostgreSQL engine's pool. A connection that died (server
// restart, pg_terminate_backend, network) is destroyed rather than returned to the pool.
import type pg from "pg";

/** Errors that say the connection or server went away, not that the statement was wrong. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") {
    return (
      error instanceof Error &&
      /Connection terminated|connection.*(closed|ended)|not queryable/i.test(error.message)
    );
  }
  // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
  return (
    code.startsWith("08") ||
    ["57P01", "57P02", "57P03", "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"].includes(code)
  );
}

export interface TransactionOptions {
  /**
   * false: COMMIT returns before the server has flushed the commit to disk (synchronous_commit
   * off for this transaction). It is still atomic and visible to every other connection at once,
   * and reaches the disk with the next durable commit or within a fraction of a second; only a
   * crash of the database server can undo it. As in the SQLite engine, only for writes whose
   * loss can at worst cause a resend, never a lost message: a claim's lease, the record of a
   * 250. Default true.
   */
  durable?: boolean;
}

/** Runs `work` in one transaction on one connection: all of it commits, or none of it. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that dies between two statements (its FATAL read with the previous reply)
  // says so with an "error" event, which would crash the process unheard; the next statement
  // then fails with "not queryable", and the cause is what the caller gets.
  const onError = (error: Error) => (broken ??= error);
  client.on("error", onError);
  try {
    // One round trip either way (no parameters: the simple protocol takes both statements).
    await client.query(
      options.durable === false ? "BEGIN; SET LOCAL synchronous_commit = off" : "BEGIN",
    );
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    if (broken) throw broken;
    if (isConnectionError(error)) broken = error as Error;
    else await client.query("ROLLBACK").catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/**
 * Runs `work` again after a connection failure (up to `attempts` times, with a short pause):
 * for writes whose repeat changes nothing, such as recording an outcome.
 */
export async function retryOnConnectionError<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isConnectionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  }
}
