// Times every outbox claim() call of this process: wraps the method on the process-wide outbox
// (lib/outbox/open-outbox's singleton, which lib's worker claims through) before the worker
// starts. Failed claims are timed too.
import type { Outbox } from "../lib/outbox/outbox";

export interface ClaimTimer {
  /** Forgets what was timed so far (claims before the clock starts). */
  reset(): void;
  /** The durations timed since the last reset, in ms. */
  take(): number[];
}

export function timeClaims(store: Outbox): ClaimTimer {
  const claim = store.claim.bind(store);
  let samples: number[] = [];
  store.claim = async (request) => {
    const started = performance.now();
    try {
      return await claim(request);
    } finally {
      samples.push(performance.now() - started);
    }
  };
  return {
    reset() {
      samples = [];
    },
    take() {
      const taken = samples;
      samples = [];
      return taken;
    },
  };
}
