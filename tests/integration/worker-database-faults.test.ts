// The worker rides out a database that goes away: claims that fail are logged once and retried
// with backoff (not on every poll), sending resumes when they work again, and a database that is
// not usable while the worker starts is waited for. The failures are injected where the worker
// meets the database (its claim, the outbox's start), on SQLite, which cannot be taken down.
import { describe, expect, it, vi } from "vitest";
import { outbox } from "../../lib/outbox/open-outbox";
import type * as ClaimMessages from "../../lib/sending/claim-messages";
import { startWorker } from "../../lib/sending/worker";
import { enqueueRoundRobin, seedSenders, loadEnvironmentSuite } from "../support/bulk-load";
import { sleep, waitUntil } from "../support/crash-probes";

const claimFault = vi.hoisted(() => ({ error: undefined as Error | undefined, calls: 0 }));

vi.mock("../../lib/sending/claim-messages", async (importOriginal) => {
  const actual = await importOriginal<typeof ClaimMessages>();
  return {
    ...actual,
    claimMessages: (...args: Parameters<typeof actual.claimMessages>) => {
      claimFault.calls++;
      return claimFault.error ? Promise.reject(claimFault.error) : actual.claimMessages(...args);
    },
  };
});

const load = loadEnvironmentSuite();

describe("the worker when the database fails", () => {
  it("logs failing claims once, backs off, and sends what waited once claims work again", async () => {
    const [sender] = await seedSenders(load.emulator(), ["db-faults@example.com"]);
    load.emulator().control.reset();
    const log: string[] = [];
    const worker = await startWorker({ pollMs: 20, log: (line) => log.push(line) });
    try {
      claimFault.error = new Error(
        "\nInvalid `prisma.$queryRaw()` invocation:\n\n\nconnect ECONNREFUSED 127.0.0.1:5432",
      );
      claimFault.calls = 0;
      await enqueueRoundRobin([sender!], 3, "Outage");
      // Polled every 20 ms, a worker without backoff would claim ~175 times in 3.5 s.
      await sleep(3_500);
      expect(claimFault.calls).toBeGreaterThanOrEqual(2);
      expect(claimFault.calls).toBeLessThanOrEqual(4);
      expect(log.filter((line) => line.includes("claiming messages"))).toEqual([
        `worker ${worker.id}: claiming messages failed: connect ECONNREFUSED 127.0.0.1:5432`,
      ]);
      expect(load.emulator().control.messages()).toHaveLength(0);

      claimFault.error = undefined;
      await waitUntil(
        "the messages that waited are sent",
        () => load.emulator().control.messages().length === 3,
        {
          timeoutMs: 20_000,
          intervalMs: 50,
        },
      );
      expect(log.filter((line) => line.includes("claiming messages"))).toEqual([
        expect.stringContaining("claiming messages failed"),
        expect.stringMatching(/claiming messages works again after \d+ s \(\d+ failures\)$/),
      ]);
    } finally {
      claimFault.error = undefined;
      await worker.stop();
    }
  }, 60_000);

  it("waits for a database that is not usable yet when it starts", async () => {
    const store = await outbox();
    const ready = vi
      .spyOn(store, "ready")
      .mockRejectedValueOnce(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
    const log: string[] = [];
    const startedAt = Date.now();
    const worker = await startWorker({ pollMs: 20, log: (line) => log.push(line) });
    try {
      expect(ready).toHaveBeenCalledTimes(2);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
      expect(log).toEqual([
        `worker ${worker.id}: cannot start yet (connect ECONNREFUSED 127.0.0.1:5432); retrying in 1 s`,
        expect.stringMatching(new RegExp(`^Mailroom worker ${worker.id} started`)),
      ]);
    } finally {
      ready.mockRestore();
      await worker.stop();
    }
  });
});
