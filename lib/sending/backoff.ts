// When to try a deferred message again: exponential backoff with jitter, capped near an hour.
const BASE_MS = 30_000;
const CAP_MS = 60 * 60_000;

/** @param attempts attempts made so far (1 after the first failure). */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  // ±20% jitter so messages deferred together do not all return at once.
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
