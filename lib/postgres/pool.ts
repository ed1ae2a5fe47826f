// A pool of PostgreSQL connections for Mailroom's own SQL. Timestamps are stored as Prisma stores
// them (timestamp(3) without time zone, in UTC), so they are written and read as UTC here too,
// whatever the process's or the server's time zone.
import pg from "pg";

const TIMESTAMP_OID = 1114;

/** Reads `timestamp without time zone` as UTC. */
const utcTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary"
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A Date as a `timestamp` parameter in UTC ("2026-12-01 23:33:17.123"). */
export function pgTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

export function openPostgresPool(url: string, options: { max: number; name: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    application_name: options.name,
    types: utcTypes,
    // A server that stops answering fails a query instead of holding a lane forever.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Idle connections do not keep a finished process alive.
    allowExitOnIdle: true,
  });
  // A connection that dies while idle (server restart, pg_terminate_backend) is dropped from the
  // pool; the next query opens a new one. Without this handler the process would crash.
  pool.on("error", (error) => {
    console.error(`${options.name}: an idle PostgreSQL connection failed: ${error.message}`);
  });
  return pool;
}
