// Logs an operation that keeps failing without flooding the log: the first failure, then a
// "still failing" line at most every 30 s, and one line when it works again.
import { oneLine } from "./one-line";

export interface RepeatedFailureLog {
  failed(error: unknown): void;
  succeeded(): void;
}

export function repeatedFailureLog(
  what: string,
  log: (line: string) => void,
  options: { everyMs?: number; now?: () => number } = {},
): RepeatedFailureLog {
  const everyMs = options.everyMs ?? 30_000;
  const now = options.now ?? Date.now;
  let failingSince: number | undefined;
  let loggedAt = 0;
  let failures = 0;
  const seconds = (ms: number) => Math.round(ms / 1000);
  return {
    failed(error) {
      const at = now();
      failures++;
      if (failingSince === undefined) {
        failingSince = loggedAt = at;
        log(`${what} failed: ${oneLine(error)}`);
      } else if (at - loggedAt >= everyMs) {
        loggedAt = at;
        log(
          `${what} still failing after ${seconds(at - failingSince)} s (${failures} failures): ${oneLine(error)}`,
        );
      }
    },
    succeeded() {
      if (failingSince === undefined) return;
      log(`${what} works again after ${seconds(now() - failingSince)} s (${failures} failures)`);
      failingSince = undefined;
      failures = 0;
    },
  };
}
