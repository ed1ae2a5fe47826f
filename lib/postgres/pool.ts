// A pool of PostgreSQL connections for Mailroom's own SQL (the outbox engine). Timestamps are
// timestamptz columns (prisma/postgres/schema.prisma), so Dates go in and come out as instants,
// whatever the time zone of the process or the server.
import pg from "pg";

export function openPostgresPool(url: string, options: { max: number; name: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    application_name: options.name,
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
