// Starts the emulator and the production build of Mailroom against it (a fresh SQLite database,
// or a fresh PostgreSQL one on TEST_POSTGRES_URL; the in-process worker, or a web-only app with
// `npm run worker` beside it), the way `npm run demo` does, for end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { Client } from "pg";
import { startEmulator, type Emulator } from "../../../emulator";
import { accountTokenPlace, type SealedAccountColumn } from "../../../lib/crypto/sealed-columns";
import { createTokenSealer } from "../../../lib/crypto/token-sealer";
import { createTestDatabase, emulatorEnv } from "../../support/test-app-env";
import { createTestPostgresDatabase } from "../../support/test-postgres";
import { spawnWorker, type WorkerProcess } from "../../support/worker-process";
import type { AppDatabase } from "./app-database";

/** A running Mailroom on either database. */
export interface MailroomApp {
  baseUrl: string;
  emu: Emulator;
  /** Opens a sealed token from the app's database with the app's key, where it is stored. */
  openSealed(sealed: string, accountId: string, column: SealedAccountColumn): string;
  /** The pid of `npm run worker` beside a web-only app (`worker: "process"`). */
  workerPid: number | undefined;
  /** The SMTP relay's port (STARTTLS), when started with `relay: true`. */
  relayPort: number | undefined;
  /** Runs a read-only query both databases read alike (identifiers in double quotes). */
  select<T>(sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

/** A running Mailroom on SQLite, whose database file tests may also read and write directly. */
export interface MailroomServer extends MailroomApp {
  databaseFile: string;
  /** Runs a read-only query against the app's database. */
  query<T>(sql: string, ...params: unknown[]): T[];
}

interface ServerOptions {
  smtp?: "465" | "587";
  /** "process": MAILROOM_WORKER=off, and `npm run worker` sends (default: the in-process worker). */
  worker?: "inline" | "process";
  /** Turns the SMTP relay on (RELAY_PORT), in the app's process, with its generated certificate. */
  relay?: boolean;
  /**
   * UNDO_SECONDS: how long compose holds a sent message for "Undo" (default 0 here, so the specs
   * that send from compose and wait for "sent" do not wait for it; compose-flow.spec.ts sets it).
   */
  undoSeconds?: number;
}

export function startMailroomServer(
  options?: ServerOptions & { database?: "sqlite" },
): Promise<MailroomServer>;
export function startMailroomServer(
  options: ServerOptions & { database: AppDatabase },
): Promise<MailroomApp>;
export async function startMailroomServer(
  options: ServerOptions & { database?: AppDatabase } = {},
): Promise<MailroomApp> {
  if (options.database !== "postgres") {
    const database = createTestDatabase();
    const query = <T>(sql: string, ...params: unknown[]): T[] => {
      const sqlite = new Database(database.file, { readonly: true, fileMustExist: true });
      try {
        return sqlite.prepare(sql).all(...params) as T[];
      } finally {
        sqlite.close();
      }
    };
    const app = await startApp(options, database.url, () => Promise.resolve());
    const server: MailroomServer = {
      ...app,
      databaseFile: database.file,
      query,
      select: <T>(sql: string) => Promise.resolve(query<T>(sql)),
    };
    return server;
  }
  const database = await createTestPostgresDatabase();
  const app = await startApp(options, database.url, () => database.drop()).catch(
    async (error: unknown) => {
      await database.drop();
      throw error;
    },
  );
  return {
    ...app,
    async select<T>(sql: string): Promise<T[]> {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    },
  };
}

/** The emulator and `next start` on `databaseUrl`; `dropDatabase` runs once the app is stopped. */
async function startApp(
  options: ServerOptions,
  databaseUrl: string,
  dropDatabase: () => Promise<void>,
): Promise<Omit<MailroomApp, "select">> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // The app's exact callback, as it would be registered at Google.
  const emu = await startEmulator({ redirectUris: [`${baseUrl}/api/auth/callback/google`] });
  const key = randomBytes(32).toString("base64");
  const starttls = options.smtp === "587";
  const relayPort = options.relay ? await freePort() : undefined;
  const appEnv = {
    ...emulatorEnv(emu, { starttls, databaseUrl, appUrl: baseUrl, encryptionKey: key }),
    NODE_EXTRA_CA_CERTS: emu.caFile,
    MAILROOM_WORKER: options.worker === "process" ? "off" : "inline",
    // Tests sign in on example.com; other domains are refused.
    ALLOWED_DOMAINS: "example.com",
    UNDO_SECONDS: String(options.undoSeconds ?? 0),
    ...(relayPort === undefined ? {} : { RELAY_PORT: String(relayPort) }),
  };
  const child: ChildProcess = spawn(
    process.execPath,
    // Idle connections kept well past the test client's own 4 s: on a loaded machine a server
    // that closes at Node's default 5 s can race a request reusing the connection, which the
    // client sees as a dropped socket although the server did nothing wrong.
    [
      path.join("node_modules", "next", "dist", "bin", "next"),
      "start",
      "-p",
      String(port),
      "--keepAliveTimeout",
      "30000",
    ],
    {
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...appEnv },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // The app is healthy once a worker beats: its own, or this one.
  const worker: WorkerProcess | undefined =
    options.worker === "process" ? spawnWorker({ ...process.env, ...appEnv }) : undefined;
  let workerExited = false;
  void worker?.exited.then(() => (workerExited = true));
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));

  /** Stops the worker (letting its sends finish), the app and the emulator. */
  const stopAll = async () => {
    await worker?.stop();
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    await emu.stop();
  };

  const deadline = Date.now() + 90_000;
  const startFailure = (): string | undefined => {
    if (child.exitCode !== null) return `Mailroom exited early (${child.exitCode}):\n${output}`;
    if (workerExited) return `The worker exited early:\n${worker?.output()}`;
    if (Date.now() > deadline) return `Mailroom did not become healthy in 90 s:\n${output}`;
  };
  for (;;) {
    const failure = startFailure();
    if (failure) {
      await stopAll();
      throw new Error(failure);
    }
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }

  const sealer = createTokenSealer(key);
  return {
    baseUrl,
    emu,
    workerPid: worker?.pid,
    relayPort,
    openSealed: (sealed, accountId, column) =>
      sealer.open(sealed, accountTokenPlace(accountId, column)),
    async stop() {
      await stopAll();
      await dropDatabase();
      if (process.env.MAILROOM_E2E_LOG) console.log(output + (worker?.output() ?? ""));
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
