// Starts the emulator and the production build of Mailroom against it (fresh SQLite database,
// in-process worker), the way `npm run demo` does, for end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { startEmulator, type Emulator } from "../../../emulator";
import { accountTokenPlace, type SealedAccountColumn } from "../../../lib/crypto/sealed-columns";
import { createTokenSealer } from "../../../lib/crypto/token-sealer";
import { createTestDatabase, emulatorEnv } from "../../support/test-app-env";

export interface MailroomServer {
  baseUrl: string;
  emu: Emulator;
  databaseFile: string;
  /** Opens a sealed token from the app's database with the app's key, where it is stored. */
  openSealed(sealed: string, accountId: string, column: SealedAccountColumn): string;
  /** Runs a read-only query against the app's database. */
  query<T>(sql: string, ...params: unknown[]): T[];
  stop(): Promise<void>;
}

export async function startMailroomServer(
  options: { smtp?: "465" | "587" } = {},
): Promise<MailroomServer> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  // The app's exact callback, as it would be registered at Google.
  const emu = await startEmulator({ redirectUris: [`${baseUrl}/api/auth/callback/google`] });
  const database = createTestDatabase();
  const key = randomBytes(32).toString("base64");
  const starttls = options.smtp === "587";
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ...emulatorEnv(emu, {
          starttls,
          databaseUrl: database.url,
          appUrl: baseUrl,
          encryptionKey: key,
        }),
        NODE_EXTRA_CA_CERTS: emu.caFile,
        MAILROOM_WORKER: "inline",
        // Tests sign in on example.com; other domains are refused.
        ALLOWED_DOMAINS: "example.com",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Mailroom exited early (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline)
      throw new Error(`Mailroom did not become healthy in 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }

  const sealer = createTokenSealer(key);
  return {
    baseUrl,
    emu,
    databaseFile: database.file,
    openSealed: (sealed, accountId, column) =>
      sealer.open(sealed, accountTokenPlace(accountId, column)),
    query<T>(sql: string, ...params: unknown[]): T[] {
      const sqlite = new Database(database.file, { readonly: true, fileMustExist: true });
      try {
        return sqlite.prepare(sql).all(...params) as T[];
      } finally {
        sqlite.close();
      }
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      await emu.stop();
      if (process.env.MAILROOM_E2E_LOG) console.log(output);
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
