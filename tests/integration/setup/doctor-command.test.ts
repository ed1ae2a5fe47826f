// `npm run doctor` as the operator runs it: a real process, one line per check, and its exit
// status — 0 when everything is green, 1 when anything is red.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { openDb } from "../../../lib/db";
import { recordAppliedMigrations } from "../../support/applied-migrations";
import { spawnScript } from "../../support/script-process";
import { createTestDatabase, emulatorEnv } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

let emu: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ ca: testCa() });
  const databaseUrl = createTestDatabase().url;
  await recordAppliedMigrations(databaseUrl);
  env = emulatorEnv(emu, { starttls: true, databaseUrl });
  const prisma = await openDb(databaseUrl);
  try {
    // A worker that beats for the whole test (a minute counts as alive).
    await prisma.workerHeartbeat.create({
      data: { id: randomUUID(), host: "worker-host", pid: 4242, beatAt: new Date() },
    });
  } finally {
    await prisma.$disconnect();
  }
});

afterAll(async () => {
  await emu.stop();
});

async function doctor(overrides: Record<string, string> = {}) {
  // The test's own environment carries NODE_EXTRA_CA_CERTS, which trusts the emulator's CA.
  const run = spawnScript("doctor.ts", { ...process.env, ...env, ...overrides }, /(?!)/, "doctor");
  const exit = await run.exited;
  return { code: exit.code, lines: run.output().trimEnd().split("\n") };
}

describe("npm run doctor", () => {
  it("prints a ✓ line per check, without colour when not on a terminal, and exits 0", async () => {
    const { code, lines } = await doctor();
    const checks = lines.filter((l) => /^[✓!✗] /.test(l));
    expect(checks.map((l) => l.split(":")[0])).toEqual([
      "✓ Configuration",
      "✓ Google redirect URI",
      "✓ Google OAuth client",
      "✓ Google discovery",
      "✓ Clock",
      "✓ SMTP",
      "✓ SMTP, other TLS mode",
      "✓ Database",
      "✓ Outbox worker",
    ]);
    expect(lines.at(-1)).toBe("Every check passed.");
    expect(lines.join("\n")).not.toContain("\x1b[");
    expect(code).toBe(0);
  });

  it("marks red checks ✗ with what to do, goes on past an invalid configuration, and exits 1", async () => {
    const { code, lines } = await doctor({
      NEXTAUTH_SECRET: "short",
      TOKEN_ENCRYPTION_KEY: "",
      GOOGLE_CLIENT_ID: "not-a-client-id",
    });
    expect(lines[0]).toBe(
      "✗ Configuration: 2 variables are missing or invalid: NEXTAUTH_SECRET, TOKEN_ENCRYPTION_KEY.",
    );
    const client = lines.findIndex((l) => l.startsWith("✗ Google OAuth client: "));
    expect(client).toBeGreaterThan(0);
    expect(lines[client + 1]).toMatch(/^ {4}→ Copy the Client ID/);
    // What does not depend on the bad variables is still checked.
    expect(lines.some((l) => l.startsWith("✓ SMTP: "))).toBe(true);
    expect(lines.at(-1)).toBe("2 checks failed.");
    expect(code).toBe(1);
  });
});
