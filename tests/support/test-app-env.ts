// Points lib/ at a fresh SQLite database and an emulator, the way the app's own configuration
// would, and seeds signed-in users with sealed tokens. Call before the first lib/ call in a file.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Emulator } from "../../emulator";

export const TEST_CLIENT = {
  clientId: "mailroom-demo.apps.googleusercontent.com",
  clientSecret: "mailroom-demo-secret",
};

/** Creates a database with every committed migration applied; returns its file: URL. */
export function createTestDatabase(): { url: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "mailroom-db-"));
  const file = path.join(dir, "test.db");
  const sqlite = new Database(file);
  const migrations = path.join(import.meta.dirname, "..", "..", "prisma", "migrations");
  for (const entry of readdirSync(migrations, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    sqlite.exec(readFileSync(path.join(migrations, entry.name, "migration.sql"), "utf8"));
  }
  sqlite.close();
  return { url: `file:${file}`, file };
}

/** Sets the process environment lib/env reads, pointing at this emulator and a new database. */
export function configureTestEnvironment(
  emu: Emulator,
  options: { port?: "465" | "587" } = {},
): { databaseFile: string } {
  const database = createTestDatabase();
  Object.assign(process.env, {
    ...emulatorEnv(emu, { starttls: options.port === "587", databaseUrl: database.url }),
    MAILROOM_WORKER: "off",
    // Pacing is tested on its own; elsewhere it would only slow tests down.
    SEND_RATE_PER_MINUTE: "0",
  });
  return { databaseFile: database.file };
}

/** The variables that point Mailroom at an emulator and a database, with fresh secrets. */
export function emulatorEnv(
  emu: Emulator,
  options: { starttls: boolean; databaseUrl: string; appUrl?: string; encryptionKey?: string },
): Record<string, string> {
  const { starttls } = options;
  return {
    DATABASE_URL: options.databaseUrl,
    NEXTAUTH_URL: options.appUrl ?? "http://localhost:3000",
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    GOOGLE_CLIENT_ID: TEST_CLIENT.clientId,
    GOOGLE_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    GOOGLE_ISSUER: emu.issuer,
    GMAIL_API_URL: emu.gmailApiUrl,
    SMTP_HOST: "localhost",
    SMTP_PORT: String(starttls ? emu.smtp.starttlsPort : emu.smtp.securePort),
    SMTP_SECURE: starttls ? "false" : "true",
    SMTP_ALT_PORT: String(starttls ? emu.smtp.securePort : emu.smtp.starttlsPort),
    TOKEN_ENCRYPTION_KEY: options.encryptionKey ?? randomBytes(32).toString("base64"),
    // Sender domain checks ask the emulator's DNS server, never the network.
    DNS_SERVERS: emu.dns.address,
  };
}
