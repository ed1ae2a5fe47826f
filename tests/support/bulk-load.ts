// Shared set-up for the outbox's load tests: an emulator-backed environment with high limits,
// senders with room in their Gmail quota, and many messages enqueued round-robin.
import type { Emulator } from "../../emulator";
import { messageInputSchema } from "../../lib/mail/message-input";
import { enqueueMessage } from "../../lib/outbox/enqueue-message";
import { emulatorSuite } from "./emulator-suite";
import { seedUser } from "./seed-user";

/**
 * For a test file under load: the emulator and the app environment, with Mailroom's own daily
 * limit out of the way, started before its tests and closed after them.
 */
export function loadEnvironmentSuite(): { emulator(): Emulator } {
  return emulatorSuite({ DAILY_LIMIT: "10000" });
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
