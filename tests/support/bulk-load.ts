// Shared set-up for the outbox's load tests: an emulator-backed environment with high limits,
// senders with room in their Gmail quota, and many messages enqueued round-robin.
import { afterAll, beforeAll } from "vitest";
import type { Emulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import { closeAllTransports } from "../../lib/mail/transport-pool";
import { messageInputSchema } from "../../lib/mail/message-input";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { seedUser } from "./seed-user";
import { configureTestEnvironment } from "./test-app-env";
import { testCa } from "./test-ca";

/** An emulator plus the app environment, with Mailroom's own daily limit out of the way. */
async function startLoadEnvironment(): Promise<Emulator> {
  const emu = await startEmulator({ ca: testCa() });
  configureTestEnvironment(emu);
  process.env.DAILY_LIMIT = "10000";
  return emu;
}

/**
 * For a test file under load: the load environment started before its tests, and the emulator
 * and this process's SMTP transports closed after them.
 */
export function loadEnvironmentSuite(): { emulator(): Emulator } {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startLoadEnvironment();
  });
  afterAll(async () => {
    closeAllTransports();
    await emu?.stop();
  });
  return {
    emulator() {
      if (!emu) throw new Error("the load environment has not started");
      return emu;
    },
  };
}

export type Sender = Awaited<ReturnType<typeof seedUser>>;

export async function seedSenders(emu: Emulator, emails: string[]): Promise<Sender[]> {
  const senders = await Promise.all(emails.map((email) => seedUser(emu, email)));
  for (const s of senders) emu.control.setQuota(s.account.email, 10_000);
  return senders;
}

/** Enqueues `count` messages, spread over the senders in turn; `onEach` runs after each one. */
export async function enqueueRoundRobin(
  senders: Sender[],
  count: number,
  label: string,
  onEach?: (index: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const s = senders[i % senders.length]!;
    const input = messageInputSchema.parse({
      from: s.account.email,
      to: `r${i}@example.org`,
      subject: `${label} ${i}`,
      text: `body ${i}`,
    });
    await enqueueMessage({ userId: s.user.id, input });
    await onEach?.(i);
  }
}
