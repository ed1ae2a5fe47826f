// Before a process uses PostgreSQL: waits for the server to accept a connection, printing one
// line per attempt and trying again after 1 s, 2 s, 4 s … (30 s at most), so a server that is
// still starting or restarting is waited for instead of crashing the process over and over. A
// login the server refuses or a database that does not exist will not fix itself: those throw
// PostgresUnusableError, whose message is the one line to print. No line shows the password.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { postgresTarget } from "../database-url";
import { doublingDelayMs } from "../errors/doubling-delay";
import { oneLine } from "../errors/one-line";

const MAX_DELAY_MS = 30_000;

export class PostgresUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresUnusableError";
  }
}

export async function waitForPostgres(
  url: string,
  options: { log?: (line: string) => void; maxDelayMs?: number } = {},
): Promise<void> {
  const log = options.log ?? ((line: string) => console.error(line));
  const target = postgresTarget(url);
  for (let failures = 0; ;) {
    const failure = await tryToConnect(url);
    if (!failure) {
      if (failures > 0) log(`Mailroom: PostgreSQL at ${target} is reachable`);
      return;
    }
    const unusable = unusableBecause(failure, target);
    if (unusable) throw new PostgresUnusableError(unusable);
    failures++;
    const delayMs = doublingDelayMs(failures, options.maxDelayMs ?? MAX_DELAY_MS);
    log(
      `Mailroom: PostgreSQL at ${target} is not reachable (${reason(failure)}); retrying in ${delayMs / 1000} s`,
    );
    await sleep(delayMs);
  }
}

/** undefined once the server accepted a connection and answered a query; else what failed. */
async function tryToConnect(url: string): Promise<unknown> {
  const client = new pg.Client({
    connectionString: url,
    application_name: "mailroom",
    connectionTimeoutMillis: 10_000,
  });
  // A connection dropped after connect() surfaces through the query below, not as a crash.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The line to print when waiting cannot help, or undefined when it may. */
function unusableBecause(error: unknown, target: string): string | undefined {
  const code = (error as { code?: unknown }).code;
  const message = oneLine(error);
  const database = target.slice(target.indexOf("/") + 1);
  if (code === "3D000") {
    return `Mailroom: PostgreSQL at ${target}: ${message}; create it (createdb ${database}, or CREATE DATABASE "${database}") or correct the database name in DATABASE_URL.`;
  }
  // 28P01: wrong password, 28000: unknown role or no pg_hba.conf entry; the SASL errors come from
  // the client when the server asks for a password DATABASE_URL does not have.
  if ((typeof code === "string" && code.startsWith("28")) || message.startsWith("SASL:")) {
    return `Mailroom: PostgreSQL at ${target} refused the login: ${message}; correct the user name or password in DATABASE_URL, or allow this host in the server's pg_hba.conf.`;
  }
  return undefined;
}

/** "connect ECONNREFUSED", "getaddrinfo ENOTFOUND", or the server's own words. */
function reason(error: unknown): string {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
    return `${typeof syscall === "string" ? syscall : "connect"} ${code}`;
  }
  return oneLine(error);
}
