// How a phase that sends through an outbox knows it is done: when the emulator has accepted every
// message (an in-memory counter, free to read) and then no row is left unsent (one count per
// 5 ms, only in that short tail). False when nothing has moved for `stallMs` (a stuck queue, not
// a slow one).
import type { BenchEmulator } from "./bench-emulator";

export const STALL_MS = 30_000;

export async function waitUntilAllSent(
  emu: BenchEmulator,
  acceptedBefore: number,
  expected: number,
  countUnsent: () => Promise<number>,
  stallMs = STALL_MS,
): Promise<boolean> {
  let lastAccepted = -1;
  let lastProgress = performance.now();
  for (;;) {
    const accepted = (await emu.stats()).messages - acceptedBefore;
    if (accepted >= expected && (await countUnsent()) === 0) return true;
    if (accepted !== lastAccepted) {
      lastAccepted = accepted;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > stallMs) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
