// Starting against a database that is not there yet, or never will be: `npm run worker` waits for
// a PostgreSQL server that is down (one line per attempt, growing delays, no crash) and goes on
// once it answers; a database it cannot use, or a DATABASE_URL it does not know, ends it with one
// line. `npm start`'s database step (wait, then migrate deploy) is run as a function: the rest of
// `npm start` is `next start`, which needs a production build.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { Client } from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PostgresUnusableError, waitForPostgres } from "../../lib/postgres/wait-for-postgres";
import { pendingMigrations } from "../../scripts/pending-migrations";
import { prepareDatabase } from "../../scripts/prepare-database";
import { sleep, waitUntil } from "../support/crash-probes";
import { freePort, startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../support/test-postgres";
import { spawnWorker, type WorkerProcess } from "../support/worker-process";

warnWithoutPostgres("database-startup.test.ts (waiting for a server that comes up, migrations)");

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const PASSWORD = "s3cret-Pa55word";
const NOT_REACHABLE =
  /^Mailroom: PostgreSQL at (\S+) is not reachable \((.+)\); retrying in (\d+) s$/;

/** Everything but the database, as a configured install would have it. */
function appEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NEXTAUTH_URL: "http://localhost:3000",
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    GOOGLE_CLIENT_ID: "startup-test.apps.googleusercontent.com",
    GOOGLE_CLIENT_SECRET: "startup-test-secret",
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
}

function lines(output: string): string[] {
  return output.split("\n").filter((line) => line.trim() !== "");
}

/** Runs one of the scripts to its end, as `npm run …` would; resolves with its exit and output. */
function runScript(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", script],
      {
        cwd: REPO_ROOT,
        env: { ...env, CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

const workers = new Set<WorkerProcess>();
const proxies = new Set<TcpProxy>();
const databases = new Set<TestPostgresDatabase>();

afterEach(async () => {
  await Promise.all([...workers].map((worker) => worker.kill9()));
  await Promise.all([...proxies].map((proxy) => proxy.close()));
  await Promise.all([...databases].map((database) => database.drop()));
  workers.clear();
  proxies.clear();
  databases.clear();
});

function startWorkerProcess(databaseUrl: string): WorkerProcess {
  const worker = spawnWorker(appEnv(databaseUrl));
  workers.add(worker);
  return worker;
}

async function testDatabase(options: { migrate: boolean }): Promise<TestPostgresDatabase> {
  const database = await createTestPostgresDatabase(options);
  databases.add(database);
  return database;
}

/** The same database URL, reached through 127.0.0.1:`port` and with a password in it. */
function throughPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = "127.0.0.1";
  parsed.port = String(port);
  parsed.password = PASSWORD;
  return parsed.toString();
}

describe("npm run worker with PostgreSQL down", () => {
  it("waits with one line per attempt, 1 s, 2 s, 4 s apart, stays up, and stops at once", async () => {
    const port = await freePort();
    const worker = startWorkerProcess(
      `postgresql://mailroom:${PASSWORD}@127.0.0.1:${port}/mailroom`,
    );
    const attempts = () => lines(worker.output()).filter((line) => NOT_REACHABLE.test(line));

    await waitUntil("the worker says the server is not reachable", () => attempts().length >= 1, {
      timeoutMs: 30_000,
      intervalMs: 20,
      detail: worker.output,
    });
    const firstAt = Date.now();
    await waitUntil("two more attempts", () => attempts().length >= 3, {
      timeoutMs: 15_000,
      intervalMs: 20,
      detail: worker.output,
    });
    // 1 s then 2 s between the attempts, not a tight loop (the next one is 4 s away).
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(2_500);
    expect(attempts().map((line) => NOT_REACHABLE.exec(line)?.slice(1))).toEqual([
      [`127.0.0.1:${port}/mailroom`, "connect ECONNREFUSED", "1"],
      [`127.0.0.1:${port}/mailroom`, "connect ECONNREFUSED", "2"],
      [`127.0.0.1:${port}/mailroom`, "connect ECONNREFUSED", "4"],
    ]);
    // Nothing else was printed, the password least of all, and the process is still there.
    expect(lines(worker.output())).toHaveLength(3);
    expect(worker.output()).not.toContain(PASSWORD);
    const exitedYet = await Promise.race([
      worker.exited.then(() => true),
      sleep(100).then(() => false),
    ]);
    expect(exitedYet).toBe(false);

    // A stop while it waits needs no draining: it exits cleanly right away.
    const stoppedAt = Date.now();
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
  }, 60_000);

  it.runIf(postgresUrl)(
    "goes on as soon as the server answers",
    async () => {
      const database = await testDatabase({ migrate: true });
      const port = await freePort();
      const worker = startWorkerProcess(throughPort(database.url, port));
      await waitUntil(
        "the worker says the server is not reachable",
        () => lines(worker.output()).some((line) => NOT_REACHABLE.test(line)),
        { timeoutMs: 30_000, intervalMs: 20, detail: worker.output },
      );

      // The server "comes up": the port now leads to the real one.
      const target = new URL(postgresUrl!);
      proxies.add(
        await startTcpProxy(port, { host: target.hostname, port: Number(target.port || 5432) }),
      );
      await waitUntil(
        "the worker says the server is reachable",
        () =>
          worker
            .output()
            .includes(`Mailroom: PostgreSQL at 127.0.0.1:${port}/${database.name} is reachable`),
        { timeoutMs: 40_000, intervalMs: 20, detail: worker.output },
      );
      // Then it starts its lanes on the PostgreSQL outbox.
      await worker.started;
      expect(worker.output()).not.toContain(PASSWORD);
    },
    90_000,
  );
});

describe("a database the worker cannot use", () => {
  it("an unknown DATABASE_URL scheme ends npm run worker and npm start with one line naming it", async () => {
    for (const script of ["scripts/worker.ts", "scripts/start.ts"]) {
      const { code, output } = await runScript(
        script,
        appEnv(`mysql://mailroom:${PASSWORD}@db/mailroom`),
      );
      expect(code, script).toBe(1);
      expect(lines(output), script).toEqual([
        expect.stringMatching(/^Invalid configuration: DATABASE_URL must start with "file:"/),
      ]);
      expect(output).not.toContain(PASSWORD);
    }
  }, 60_000);

  it.runIf(postgresUrl)(
    "a database that does not exist ends the worker with one line",
    async () => {
      const missing = new URL(postgresUrl!);
      missing.pathname = `/mailroom_missing_${randomBytes(4).toString("hex")}`;
      missing.password = PASSWORD;
      const { code, output } = await runScript("scripts/worker.ts", appEnv(missing.toString()));
      expect(code).toBe(1);
      const name = missing.pathname.slice(1);
      expect(lines(output)).toEqual([
        `Mailroom: PostgreSQL at ${missing.hostname}:${missing.port || 5432}/${name}: database "${name}" does not exist; create it (createdb ${name}, or CREATE DATABASE "${name}") or correct the database name in DATABASE_URL.`,
      ]);
    },
    60_000,
  );

  it.runIf(postgresUrl)("a login the server refuses is not waited for", async () => {
    const unknownRole = new URL(postgresUrl!);
    unknownRole.username = `nobody_${randomBytes(4).toString("hex")}`;
    unknownRole.password = PASSWORD;
    const log: string[] = [];
    const waiting = waitForPostgres(unknownRole.toString(), { log: (line) => log.push(line) });
    await expect(waiting).rejects.toBeInstanceOf(PostgresUnusableError);
    await expect(waiting).rejects.toThrow(
      new RegExp(
        `^Mailroom: PostgreSQL at \\S+ refused the login: role "${unknownRole.username}" does not exist; correct the user name or password in DATABASE_URL`,
      ),
    );
    await expect(waiting).rejects.not.toThrow(PASSWORD);
    expect(log).toEqual([]);
  });
});

describe("npm start's database step on PostgreSQL", () => {
  it.runIf(postgresUrl)(
    "applies every PostgreSQL migration once, even from two processes starting together",
    async () => {
      const database = await testDatabase({ migrate: false });
      await Promise.all([prepareDatabase(database.url), prepareDatabase(database.url)]);

      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const applied = await client.query<{ migration_name: string }>(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
        );
        const shipped = readdirSync(path.join(REPO_ROOT, "prisma", "postgres", "migrations"), {
          withFileTypes: true,
        })
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
          .sort();
        expect(applied.rows.map((row) => row.migration_name)).toEqual(shipped);
        const tables = await client.query<{ count: string }>(
          `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('Message', 'WorkerHeartbeat')`,
        );
        expect(tables.rows[0]?.count).toBe("2");
      } finally {
        await client.end();
      }
    },
    240_000,
  );
});

describe("npm start's database step on SQLite", () => {
  it("migrates a new database, waits while another process holds it, and needs nothing from it once migrated", async () => {
    const file = path.join(
      mkdtempSync(path.join(tmpdir(), "mailroom-start-")),
      "data",
      "mailroom.db",
    );
    const url = `file:${file}`;
    const errors = vi.spyOn(console, "error");
    try {
      // A worker started first has the (empty) database open: migrations need it to themselves.
      mkdirSync(path.dirname(file), { recursive: true });
      const worker = new Database(file);
      worker.pragma("journal_mode = WAL");
      worker.prepare("SELECT count(*) FROM sqlite_master").get();
      const preparing = prepareDatabase(url);
      await waitUntil(
        "start says another process has the database",
        () =>
          errors.mock.calls.some(([line]) =>
            String(line).includes("needs the SQLite database to itself"),
          ),
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      worker.close();
      await preparing;
      expect(await pendingMigrations(url)).toEqual([]);

      // The next start, with a worker running on the migrated database, has nothing to apply.
      const running = new Database(file);
      running.pragma("journal_mode = WAL");
      running.prepare("SELECT count(*) FROM WorkerHeartbeat").get();
      errors.mockClear();
      try {
        await prepareDatabase(url);
      } finally {
        running.close();
      }
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  }, 240_000);
});
