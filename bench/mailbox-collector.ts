// Drains the emulator's mailbox while a phase runs: the mailbox keeps only its newest 1,000
// messages, so a 2,000-message run is read (and cleared) in the same tick, every 200 ms.
import type { Emulator } from "../emulator";

export interface ReceivedMessage {
  messageId: string;
  account: string;
  size: number;
}

/** "<abc@host>" and "abc@host" name the same message. */
export function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, "");
}

export function startMailboxCollector(
  emu: Emulator,
  intervalMs = 200,
): { received: ReceivedMessage[]; drain(): void; stop(): ReceivedMessage[] } {
  const received: ReceivedMessage[] = [];
  const drain = () => {
    // Synchronous read-then-clear: no SMTP transaction can land between the two calls.
    const batch = emu.control.messages();
    emu.control.clearMailbox();
    // messages() is newest first.
    for (let i = batch.length - 1; i >= 0; i--) {
      const m = batch[i];
      if (m) {
        received.push({
          messageId: normalizeMessageId(m.messageId),
          account: m.account,
          size: m.size,
        });
      }
    }
  };
  const timer = setInterval(drain, intervalMs);
  return {
    received,
    drain,
    stop() {
      clearInterval(timer);
      drain();
      return received;
    },
  };
}
