// For a test file that runs lib against an emulator: the emulator started and lib's environment
// pointed at it (and a fresh SQLite database) before the file's tests, and the emulator and this
// process's SMTP transports closed after them.
import { afterAll, beforeAll } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { configureTestEnvironment } from "./test-app-env";
import { testCa } from "./test-ca";

/** `env`: variables set after the test environment's own (e.g. a higher DAILY_LIMIT). */
export function emulatorSuite(env: Record<string, string> = {}): { emulator(): Emulator } {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator({ ca: testCa() });
    configureTestEnvironment(emu);
    Object.assign(process.env, env);
  });
  afterAll(async () => {
    closeAllTransports();
    await emu?.stop();
  });
  return {
    emulator() {
      if (!emu) throw new Error("the emulator has not started");
      return emu;
    },
  };
}
