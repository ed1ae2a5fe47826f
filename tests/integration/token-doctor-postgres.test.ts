// The token doctor on PostgreSQL: a refresh token refused 7 days after consent is named the
// Testing expiry and remembered for the OAuth client, the other accounts count down, and a token
// that outlives 7 days makes Mailroom forget it — the same rows and queries as on SQLite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { db } from "../../lib/db";
import { getAccountStatus } from "../../lib/diagnostics/account-status";
import { getAccessToken, ReconnectNeededError } from "../../lib/google/access-token";
import { seedUser } from "../support/seed-user";
import { emulatorEnv } from "../support/test-app-env";
import { testCa } from "../support/test-ca";
import {
  createTestPostgresDatabase,
  postgresUrl,
  warnWithoutPostgres,
  type TestPostgresDatabase,
} from "../support/test-postgres";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

warnWithoutPostgres("the token doctor on PostgreSQL");

let emu: Emulator;
let database: TestPostgresDatabase | undefined;

beforeAll(async () => {
  if (!postgresUrl) return;
  emu = await startEmulator({ ca: testCa() });
  database = await createTestPostgresDatabase();
  Object.assign(process.env, {
    ...emulatorEnv(emu, { starttls: false, databaseUrl: database.url }),
    MAILROOM_WORKER: "off",
  });
});

afterAll(async () => {
  if (!database) return;
  const { outbox } = await import("../../lib/outbox/open-outbox");
  await (await outbox()).close();
  await (await db()).$disconnect();
  await database.drop();
  await emu.stop();
});

async function accountWith(email: string, consentAge: number) {
  const { user, account } = await seedUser(emu, email);
  const prisma = await db();
  await prisma.account.update({
    where: { id: account.id },
    data: { consentedAt: new Date(Date.now() - consentAge) },
  });
  return { user, account };
}

describe.skipIf(!postgresUrl)("PostgreSQL", () => {
  it("infers Testing from a death 7 days after consent, counts down, and forgets it when a token outlives 7 days", async () => {
    const dead = await accountWith("dead.pg@example.com", 7 * DAY + HOUR);
    const fresh = await accountWith("fresh.pg@example.com", DAY);
    emu.control.revoke("dead.pg@example.com");
    await expect(getAccessToken(dead.account.id, { forceRefresh: true })).rejects.toBeInstanceOf(
      ReconnectNeededError,
    );
    expect((await getAccountStatus(dead.user.id))?.token.diagnosis?.cause).toBe("testing_expiry");
    const status = await getAccountStatus(fresh.user.id);
    expect(status?.token.testing).toMatchObject({ testing: true, source: "inferred" });
    expect(status?.token.expiry?.state).toBe("later");

    const survivor = await accountWith("nine.pg@example.com", 9 * DAY);
    await getAccessToken(survivor.account.id, { forceRefresh: true });
    expect((await getAccountStatus(fresh.user.id))?.token.testing.testing).toBe(false);
  });
});
