// The setup check against the emulator and real databases: every check green when Mailroom is set
// up, and red (or amber) with what to do for each way it is not.
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { openDb } from "../../../lib/db";
import { shippedMigrations } from "../../../lib/database-migrations";
import { runSetupCheck } from "../../../lib/setup/run-setup-check";
import type { CheckId, SetupCheckResult } from "../../../lib/setup/types";
import { recordAppliedMigrations } from "../../support/applied-migrations";
import { createTestDatabase, emulatorEnv } from "../../support/test-app-env";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
} from "../../support/test-postgres";
import { testCa } from "../../support/test-ca";

warnWithoutPostgres("setup-check.test.ts (the database check on PostgreSQL)");

let emu: Emulator;
/** How far the emulator's clock (and so its Date header) runs ahead of this machine's. */
let googleAheadMs = 0;
let databaseUrl: string;
let base: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa(), now: () => Date.now() + googleAheadMs });
  databaseUrl = createTestDatabase().url;
  await recordAppliedMigrations(databaseUrl);
  base = emulatorEnv(emu, { starttls: false, databaseUrl });
});

afterAll(async () => {
  await emu.stop();
});

async function beatNow(url: string, beatAt = new Date()): Promise<void> {
  const prisma = await openDb(url);
  try {
    await prisma.workerHeartbeat.create({
      data: { id: randomUUID(), host: "worker-host", pid: 4242, beatAt },
    });
  } finally {
    await prisma.$disconnect();
  }
}

function check(overrides: Record<string, string | undefined> = {}): Promise<SetupCheckResult[]> {
  return runSetupCheck({ source: { ...base, ...overrides }, timeoutMs: 5_000 });
}

function line(results: SetupCheckResult[], id: CheckId): SetupCheckResult {
  const found = results.find((result) => result.id === id);
  if (!found) throw new Error(`no ${id} line in ${JSON.stringify(results, null, 2)}`);
  return found;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("when Mailroom is set up", () => {
  it("shows every check green, in order, with the redirect URI to register", async () => {
    await beatNow(databaseUrl);
    const results = await check();
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ["configuration", "ok"],
      ["redirect-uri", "ok"],
      ["google-client", "ok"],
      ["discovery", "ok"],
      ["clock", "ok"],
      ["smtp", "ok"],
      ["smtp-alt", "ok"],
      ["database", "ok"],
      ["worker", "ok"],
    ]);
    for (const result of results) expect(result.fix).toBeUndefined();
    expect(line(results, "redirect-uri").summary).toBe(
      "http://localhost:3000/api/auth/callback/google",
    );
    expect(line(results, "smtp").summary).toContain(
      `localhost:${emu.smtp.securePort} (implicit TLS): TLS verified`,
    );
    expect(line(results, "smtp-alt").summary).toContain(
      `localhost:${emu.smtp.starttlsPort} (STARTTLS): TLS verified`,
    );
    expect(line(results, "database").summary).toContain(
      `all ${shippedMigrations(databaseUrl).length} migrations applied`,
    );
    expect(line(results, "worker").details).toContain("worker-host (pid 4242)");
  });

  it("never shows a secret: not the client secret, next-auth's secret nor the encryption key", async () => {
    const text = JSON.stringify(await check());
    for (const name of ["GOOGLE_CLIENT_SECRET", "NEXTAUTH_SECRET", "TOKEN_ENCRYPTION_KEY"]) {
      expect(text).not.toContain(base[name]);
    }
  });

  it("checks the other TLS mode only when SMTP_ALT_PORT is set", async () => {
    const results = await check({ SMTP_ALT_PORT: undefined });
    expect(results.map((r) => r.id)).not.toContain("smtp-alt");
    expect(line(results, "smtp").status).toBe("ok");
  });
});

describe("configuration", () => {
  it("names every missing or invalid variable, not only the first", async () => {
    const results = await check({ GOOGLE_CLIENT_SECRET: undefined, SMTP_PORT: "seventy" });
    const configuration = line(results, "configuration");
    expect(configuration.status).toBe("fail");
    expect(configuration.summary).toContain("GOOGLE_CLIENT_SECRET, SMTP_PORT");
    expect(configuration.details).toEqual([
      expect.stringMatching(/^GOOGLE_CLIENT_SECRET is required/) as string,
      expect.stringMatching(/^SMTP_PORT must be a port number/) as string,
    ]);
    expect(configuration.fix).toContain(".env.example");
    // What needs a bad variable says so; the rest is still checked.
    expect(line(results, "smtp")).toMatchObject({
      status: "fail",
      summary: expect.stringMatching(/^Not checked: .*SMTP_PORT/) as string,
    });
    expect(line(results, "discovery").status).toBe("ok");
  });
});

describe("redirect URI", () => {
  it("is red when NEXTAUTH_URL has a path, which next-auth would send Google instead of /api/auth", async () => {
    const redirect = line(
      await check({ NEXTAUTH_URL: "https://mail.example.com/mailroom" }),
      "redirect-uri",
    );
    expect(redirect.status).toBe("fail");
    expect(redirect.summary).toContain("https://mail.example.com/mailroom/callback/google");
    expect(redirect.fix).toContain("https://mail.example.com/api/auth/callback/google");
  });

  it("is red, not checked, without a valid NEXTAUTH_URL", async () => {
    const redirect = line(await check({ NEXTAUTH_URL: "mail.example.com" }), "redirect-uri");
    expect(redirect).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("NEXTAUTH_URL") as string,
    });
  });
});

describe("Google OAuth client", () => {
  it("is red for a client id that is not shaped like Google's", async () => {
    const client = line(await check({ GOOGLE_CLIENT_ID: "1234567890-abc" }), "google-client");
    expect(client.status).toBe("fail");
    expect(client.summary).toContain("does not end in .apps.googleusercontent.com");
    expect(client.fix).toContain("GOOGLE_CLIENT_ID");
  });

  it("notices the id and the secret swapped, and a pasted space", async () => {
    const swapped = line(
      await check({
        GOOGLE_CLIENT_ID: base.GOOGLE_CLIENT_SECRET,
        GOOGLE_CLIENT_SECRET: base.GOOGLE_CLIENT_ID,
      }),
      "google-client",
    );
    expect(swapped.summary).toContain("swapped");
    const spaced = line(
      await check({ GOOGLE_CLIENT_ID: ` ${base.GOOGLE_CLIENT_ID}` }),
      "google-client",
    );
    expect(spaced).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("spaces") as string,
    });
  });

  it("is red without a client secret", async () => {
    const client = line(await check({ GOOGLE_CLIENT_SECRET: undefined }), "google-client");
    expect(client).toMatchObject({ status: "fail", summary: "GOOGLE_CLIENT_SECRET is not set." });
  });
});

describe("Google discovery and the clock", () => {
  it("is red when the issuer cannot be reached, and the clock is then not checked", async () => {
    const port = await closedPort();
    const results = await check({ GOOGLE_ISSUER: `http://127.0.0.1:${port}` });
    expect(line(results, "discovery")).toMatchObject({
      status: "fail",
      summary: expect.stringContaining(
        `Could not reach http://127.0.0.1:${port}/.well-known/openid-configuration`,
      ) as string,
    });
    expect(line(results, "discovery").summary).toContain("ECONNREFUSED");
    expect(line(results, "clock")).toMatchObject({
      status: "fail",
      summary: expect.stringMatching(/^Not checked/) as string,
    });
  });

  it("is red when the document names another issuer than GOOGLE_ISSUER", async () => {
    const other = emu.issuer.replace("127.0.0.1", "localhost");
    const discovery = line(await check({ GOOGLE_ISSUER: other }), "discovery");
    expect(discovery.status).toBe("fail");
    expect(discovery.fix).toContain(`set it to exactly ${emu.issuer}`);
  });

  it("is red when the issuer answers with no discovery document", async () => {
    const discovery = line(
      await check({ GOOGLE_ISSUER: `${emu.issuer}/nothing-here` }),
      "discovery",
    );
    expect(discovery).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("answered HTTP 404") as string,
    });
  });

  it("is amber a minute off Google's clock and red ten minutes off, saying which way", async () => {
    try {
      googleAheadMs = 60_000;
      const amber = line(await check(), "clock");
      expect(amber.status).toBe("warn");
      expect(amber.summary).toMatch(/^This machine's clock is (59|60|61) s behind Google's/);
      googleAheadMs = -10 * 60_000;
      const red = line(await check(), "clock");
      expect(red.status).toBe("fail");
      expect(red.summary).toMatch(/^This machine's clock is (599|600|601) s ahead of Google's/);
      expect(red.summary).toContain("red beyond 5 minutes");
      expect(red.fix).toContain("NTP");
    } finally {
      googleAheadMs = 0;
    }
  });
});

describe("SMTP", () => {
  it("is red when nothing listens on the configured port, and amber when the other mode's is closed", async () => {
    const port = await closedPort();
    const down = line(await check({ SMTP_PORT: String(port) }), "smtp");
    expect(down.status).toBe("fail");
    expect(down.summary).toContain(`localhost:${port} (implicit TLS): TCP connection failed`);
    expect(down.details?.[0]).toMatch(/^Connection refused/);
    expect(down.fix).toContain("465");
    const alt = line(await check({ SMTP_ALT_PORT: String(port) }), "smtp-alt");
    expect(alt.status).toBe("warn");
    expect(alt.summary).toContain(`localhost:${port} (STARTTLS)`);
  });

  it("is red when the server's certificate does not verify, and says never to turn verification off", async () => {
    const untrusted = await startEmulator();
    try {
      const results = await check({
        SMTP_PORT: String(untrusted.smtp.starttlsPort),
        SMTP_SECURE: "false",
        SMTP_ALT_PORT: String(untrusted.smtp.securePort),
      });
      for (const id of ["smtp", "smtp-alt"] as const) {
        const smtp = line(results, id);
        expect(smtp.summary).toContain("TLS failed");
        expect(smtp.details?.[0]).toMatch(/^Certificate not trusted/);
        expect(smtp.fix).toContain("NODE_EXTRA_CA_CERTS");
      }
      expect(line(results, "smtp").status).toBe("fail");
      expect(line(results, "smtp-alt").status).toBe("warn");
    } finally {
      await untrusted.stop();
    }
  });

  it("is red when the configured port speaks the other TLS mode", async () => {
    const smtp = line(await check({ SMTP_PORT: String(emu.smtp.starttlsPort) }), "smtp");
    expect(smtp.status).toBe("fail");
    expect(smtp.fix).toContain("SMTP_SECURE");
    expect(smtp.fix).not.toContain("below");
  });
});

describe("database and worker", () => {
  it("is red for a SQLite file that does not exist, and does not create it", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "mailroom-setup-")), "missing.db");
    const results = await check({ DATABASE_URL: `file:${file}` });
    expect(line(results, "database")).toMatchObject({
      status: "fail",
      summary: `SQLite file ${file} does not exist.`,
      fix: expect.stringContaining("npm run db:migrate") as string,
    });
    expect(line(results, "worker")).toMatchObject({
      status: "fail",
      summary: expect.stringMatching(/^Not checked/) as string,
    });
    expect(existsSync(file)).toBe(false);
  });

  it("is red for a database never migrated, and names each migration missing from one behind", async () => {
    const empty = path.join(mkdtempSync(path.join(tmpdir(), "mailroom-setup-")), "empty.db");
    writeFileSync(empty, "");
    const neverMigrated = await check({ DATABASE_URL: `file:${empty}` });
    expect(line(neverMigrated, "worker").summary).toMatch(/^Not checked/);
    const never = line(neverMigrated, "database");
    expect(never).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("never migrated") as string,
    });

    const behind = createTestDatabase().url;
    const shipped = shippedMigrations(behind);
    await recordAppliedMigrations(behind, shipped.slice(0, -1));
    const database = line(await check({ DATABASE_URL: behind }), "database");
    expect(database.status).toBe("fail");
    expect(database.summary).toContain(`lacks 1 of ${shipped.length} migrations`);
    expect(database.details).toEqual([`not applied: ${shipped.at(-1)}`]);
    // Its tables are there: workers' heartbeats are still read (none beat in this one).
    expect(line(await check({ DATABASE_URL: behind }), "worker").summary).toMatch(/^No worker/);
  });

  it("is red when no PostgreSQL server answers, naming where without the password", async () => {
    const port = await closedPort();
    const results = await check({
      DATABASE_URL: `postgresql://mailroom:hunter2-secret@127.0.0.1:${port}/mailroom`,
    });
    const database = line(results, "database");
    expect(database.status).toBe("fail");
    expect(database.summary).toContain(`PostgreSQL at 127.0.0.1:${port}/mailroom is not reachable`);
    expect(JSON.stringify(results)).not.toContain("hunter2-secret");
  });

  it("is red when no worker has written a heartbeat in the last minute, and green once one does", async () => {
    const url = createTestDatabase().url;
    await recordAppliedMigrations(url);
    const none = line(await check({ DATABASE_URL: url }), "worker");
    expect(none).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("No worker") as string,
    });
    expect(none.fix).toContain("npm run worker");

    await beatNow(url, new Date(Date.now() - 2 * 60_000));
    expect(line(await check({ DATABASE_URL: url }), "worker").status).toBe("fail");
    await beatNow(url);
    expect(line(await check({ DATABASE_URL: url }), "worker")).toMatchObject({
      status: "ok",
      summary: expect.stringMatching(
        /^1 worker alive; the latest heartbeat \d+ s ago\.$/,
      ) as string,
    });
  });

  it.runIf(postgresUrl)(
    "on PostgreSQL: red until migrated, then green with a live worker",
    async () => {
      const database = await createTestPostgresDatabase();
      try {
        expect(line(await check({ DATABASE_URL: database.url }), "database")).toMatchObject({
          status: "fail",
          summary: expect.stringContaining("never migrated") as string,
        });
        await recordAppliedMigrations(database.url);
        await beatNow(database.url);
        const results = await check({ DATABASE_URL: database.url });
        expect(line(results, "database").status).toBe("ok");
        expect(line(results, "worker").status).toBe("ok");
      } finally {
        await database.drop();
      }
    },
  );
});
