// One refresh per account across processes and machines: several processes on one database ask
// at the same moment for the tokens of accounts whose access tokens expired, or that Gmail just
// refused, and Google sees one refresh per account. On SQLite and on PostgreSQL.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db, openDb, type Db } from "../../lib/db";
import { startTokenProcesses, type TokenProcesses } from "../support/access-token-processes";
import { seedUser } from "../support/seed-user";
import { configureTestEnvironment } from "../support/test-app-env";
import { testCa } from "../support/test-ca";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../support/test-postgres";

const PROCESSES = 4;
const ACCOUNTS = 5;

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
});

afterAll(async () => {
  await emu.stop();
});

warnWithoutPostgres("token-refresh-processes");

interface Engine {
  prisma: Db;
  /** The environment the processes run with: the test's, on this database. */
  env: NodeJS.ProcessEnv;
}

describe("several processes on one SQLite database", () => {
  refreshesOncePerAccount("sqlite", async () => ({ prisma: await db(), env: process.env }));
});

describe.skipIf(!postgresUrl)("several processes on one PostgreSQL database", () => {
  let database: TestPostgresDatabase | undefined;
  let prisma: Db | undefined;
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });
  refreshesOncePerAccount("postgres", async () => {
    database = await createTestPostgresDatabase();
    prisma = await openDb(database.url);
    return { prisma, env: { ...process.env, DATABASE_URL: database.url } };
  });
});

function refreshesOncePerAccount(label: string, open: () => Promise<Engine>): void {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });

  /**
   * New processes for each test: a connection to the emulator left idle between tests can be
   * closed by it just as a refresh reuses it, on a loaded machine.
   */
  async function inProcesses(run: (processes: TokenProcesses) => Promise<void>): Promise<void> {
    const processes = await startTokenProcesses(PROCESSES, engine.env);
    try {
      await run(processes);
    } finally {
      await processes.stop();
    }
  }

  async function seedAccounts(kind: string) {
    return Promise.all(
      Array.from({ length: ACCOUNTS }, (_, i) =>
        seedUser(emu, `${kind}-${label}-${i}@example.com`, engine.prisma),
      ),
    );
  }

  /** What each process got for each account: how many different tokens, and whether the old one. */
  function tokensSeen(
    got: Record<string, string>[],
    seeded: { account: { id: string }; tokens: { accessToken: string } }[],
  ) {
    return seeded.map(({ account, tokens }) => {
      const seen = new Set(got.map((fingerprints) => fingerprints[account.id]));
      return { different: seen.size, old: seen.has(fingerprint(tokens.accessToken)) };
    });
  }

  async function expectOneRefreshEach(accounts: { id: string; email: string }[]) {
    expect(accounts.map((a) => emu.control.stats(a.email).refreshes)).toEqual(
      accounts.map(() => 1),
    );
    const rows = await engine.prisma.account.findMany({
      where: { id: { in: accounts.map((a) => a.id) } },
      select: { refreshLeaseBy: true, refreshLeaseUntil: true },
    });
    expect(rows).toEqual(accounts.map(() => ({ refreshLeaseBy: null, refreshLeaseUntil: null })));
    expect(
      await engine.prisma.auditEvent.count({
        where: { kind: "token_refreshed", email: { in: accounts.map((a) => a.email) } },
      }),
    ).toBe(ACCOUNTS);
  }

  it(`${PROCESSES} processes after the tokens expired: one refresh per account, the same token for all`, async () => {
    const seeded = await seedAccounts("expired");
    const accounts = seeded.map((s) => s.account);
    await engine.prisma.account.updateMany({
      where: { id: { in: accounts.map((a) => a.id) } },
      data: { accessTokenExpiresAt: new Date(Date.now() - 1000) },
    });

    await inProcesses(async (processes) => {
      const got = await processes.ask(
        accounts.map((a) => a.id),
        { forceRefresh: false },
      );

      await expectOneRefreshEach(accounts);
      expect(tokensSeen(got, seeded)).toEqual(accounts.map(() => ({ different: 1, old: false })));
    });
  }, 120_000);

  it(`${PROCESSES} processes that Gmail each refused the token: still one refresh per account`, async () => {
    const seeded = await seedAccounts("refused");
    const accounts = seeded.map((s) => s.account);
    const ids = accounts.map((a) => a.id);
    await inProcesses(async (processes) => {
      // Every process takes the stored tokens, which Gmail then refuses in each of them.
      const before = await processes.ask(ids, { forceRefresh: false });
      expect(tokensSeen(before, seeded)).toEqual(accounts.map(() => ({ different: 1, old: true })));

      const got = await processes.ask(ids, { forceRefresh: true });

      await expectOneRefreshEach(accounts);
      expect(tokensSeen(got, seeded)).toEqual(accounts.map(() => ({ different: 1, old: false })));
    });
  }, 120_000);
}

function fingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
