// `npm run relay` as a real process: killed with SIGKILL the moment its client has read the 250,
// the message is still there for a worker to send; stopped with SIGTERM, it says goodbye (421) and
// exits cleanly; with its port taken, it exits saying so. relay-crash.test.ts runs it on SQLite and relay-crash-postgres.test.ts on
// PostgreSQL.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../emulator";
import { createApiKey } from "../../../lib/api-keys/create-api-key";
import { db } from "../../../lib/db";
import { closeAllTransports } from "../../../lib/mail/transport-pool";
import { RawSmtp } from "../../emulator/support";
import { drainOutbox } from "../../support/drain-outbox";
import { spawnRelay, type RelayProcess } from "../../support/relay-process";
import { seedUser } from "../../support/seed-user";
import { configureTestEnvironment } from "../../support/test-app-env";
import { testCa } from "../../support/test-ca";

const KILLS = 3;

export function relayCrashSuite(engine: string, setup: { databaseUrl?: () => Promise<string> }) {
  describe(`kill -9 of the relay on ${engine}`, () => {
    let emu: Emulator;
    const relays = new Set<RelayProcess>();
    const tlsFiles: Record<string, string> = {};

    beforeAll(async () => {
      emu = await startEmulator({ ca: testCa() });
      configureTestEnvironment(emu);
      if (setup.databaseUrl) process.env.DATABASE_URL = await setup.databaseUrl();
      // The relay processes use a certificate given to them, as RELAY_TLS_CERT / RELAY_TLS_KEY.
      const { relayCertificate } = await import("../../../lib/relay/relay-certificate");
      const dir = mkdtempSync(path.join(tmpdir(), "mailroom-relay-crash-"));
      const certificate = await relayCertificate({ hostname: "localhost", dir });
      tlsFiles.RELAY_TLS_CERT = path.join(dir, "cert.pem");
      tlsFiles.RELAY_TLS_KEY = path.join(dir, "key.pem");
      writeFileSync(tlsFiles.RELAY_TLS_CERT, certificate.certPem);
      writeFileSync(tlsFiles.RELAY_TLS_KEY, certificate.keyPem, { mode: 0o600 });
    });

    afterEach(async () => {
      for (const relay of relays) relay.kill9();
      await Promise.all([...relays].map((relay) => relay.exited));
      relays.clear();
    });

    afterAll(async () => {
      closeAllTransports();
      await emu?.stop();
    });

    it(`loses nothing when the relay dies right after its 250 (${KILLS} kills)`, async () => {
      const { user, account } = await seedUser(emu, "crash.relay@example.com");
      const key = await createApiKey(user.id, {
        name: "Printer",
        permission: "send",
        allowedFrom: [account.email],
      });
      const accepted: string[] = [];
      for (let round = 1; round <= KILLS; round++) {
        const relay = spawnRelay({ ...process.env, ...tlsFiles, RELAY_PORT: "0" });
        relays.add(relay);
        const smtp = await RawSmtp.connect(await relay.port, { secure: false });
        expect(await smtp.reply()).toMatch(/^220 /);
        await smtp.command("EHLO printer.example");
        const login = Buffer.from(`\0printer\0${key.secret}`).toString("base64");
        expect(await smtp.command(`AUTH PLAIN ${login}`)).toMatch(/^235 /);
        expect(await smtp.command(`MAIL FROM:<${account.email}>`)).toMatch(/^250 /);
        expect(await smtp.command("RCPT TO:<bob@example.org>")).toMatch(/^250 /);
        expect(await smtp.command("DATA")).toMatch(/^354 /);
        smtp.write(
          `From: ${account.email}\r\nTo: bob@example.org\r\nSubject: Scan ${round}\r\n\r\nPage ${round}\r\n.\r\n`,
        );
        const reply = await smtp.reply();
        relay.kill9();
        expect(reply).toMatch(/^250 2\.6\.0 Message queued as /);
        expect(await relay.exited).toEqual({ code: null, signal: "SIGKILL" });
        accepted.push(reply.slice("250 2.6.0 Message queued as ".length));
        smtp.close();
      }

      // A worker that starts after the crashes finds every message the relay said it had.
      expect(await drainOutbox()).toBe(KILLS);
      const received = emu.control.messages({ email: account.email });
      expect(received.map((m) => m.subject).sort()).toEqual(
        Array.from({ length: KILLS }, (_, i) => `Scan ${i + 1}`),
      );
      const rows = await (
        await db()
      ).message.findMany({
        where: { id: { in: accepted } },
        select: { status: true, source: true },
      });
      expect(rows).toEqual(
        Array.from({ length: KILLS }, () => ({ status: "sent", source: `relay:${key.id}` })),
      );
    }, 180_000);

    it("exits with one line saying why when its port is taken", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, resolve));
      const address = taken.address();
      const port = typeof address === "object" && address ? address.port : 0;
      try {
        const relay = spawnRelay({ ...process.env, ...tlsFiles, RELAY_PORT: String(port) });
        relays.add(relay);
        expect(await relay.exited).toEqual({ code: 1, signal: null });
        expect(relay.output().trim()).toBe(
          `Mailroom relay: the port is in use (RELAY_PORT=${port}); is another relay or \`npm start\` with RELAY_PORT running?`,
        );
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    }, 60_000);

    it("stops on SIGTERM: a connected client hears 421 4.3.2, and the process exits 0", async () => {
      const relay = spawnRelay({ ...process.env, ...tlsFiles, RELAY_PORT: "0" });
      relays.add(relay);
      const smtp = await RawSmtp.connect(await relay.port, { secure: false });
      expect(await smtp.reply()).toMatch(/^220 /);
      await smtp.command("EHLO printer.example");
      process.kill(relay.pid, "SIGTERM");
      expect(await smtp.reply(15_000)).toBe(
        "421 4.3.2 Mailroom's relay is restarting; try again in a moment.",
      );
      expect(await relay.exited).toEqual({ code: 0, signal: null });
      expect(relay.output()).toContain("Stopping the relay…");
    }, 60_000);
  });
}
