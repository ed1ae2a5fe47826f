// How long to wait before trying an unavailable database again: 1 s, 2 s, 4 s … up to a cap.

/** @param failures failures so far (1 after the first). */
export function doublingDelayMs(failures: number, capMs: number): number {
  return Math.min(capMs, 1000 * 2 ** Math.max(0, failures - 1));
}
