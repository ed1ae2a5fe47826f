import { describe, expect, it } from "vitest";
import { doublingDelayMs } from "../../lib/errors/doubling-delay";
import { oneLine } from "../../lib/errors/one-line";
import { repeatedFailureLog } from "../../lib/errors/repeated-failure-log";

describe("logging a failure that repeats", () => {
  function clockedLog() {
    const lines: string[] = [];
    let now = 0;
    const failures = repeatedFailureLog(
      "worker w1: claiming messages",
      (line) => lines.push(line),
      {
        now: () => now,
      },
    );
    return { lines, failures, advance: (ms: number) => (now += ms) };
  }

  it("logs the first failure, then at most every 30 s, then once when it works again", () => {
    const { lines, failures, advance } = clockedLog();
    const refused = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    failures.failed(refused);
    for (let i = 0; i < 29; i++) {
      advance(1_000);
      failures.failed(refused);
    }
    expect(lines).toEqual([
      "worker w1: claiming messages failed: connect ECONNREFUSED 127.0.0.1:5432",
    ]);

    advance(1_000);
    failures.failed(new Error("Connection terminated unexpectedly"));
    advance(1_000);
    failures.failed(refused);
    expect(lines.slice(1)).toEqual([
      "worker w1: claiming messages still failing after 30 s (31 failures): Connection terminated unexpectedly",
    ]);

    advance(4_000);
    failures.succeeded();
    failures.succeeded();
    expect(lines.slice(2)).toEqual([
      "worker w1: claiming messages works again after 35 s (32 failures)",
    ]);

    // A new outage is news again.
    failures.failed(refused);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/claiming messages failed: connect ECONNREFUSED/);
  });

  it("says nothing while the operation works", () => {
    const { lines, failures } = clockedLog();
    failures.succeeded();
    expect(lines).toEqual([]);
  });

  it("keeps the reason, the last line of a multi-line message, on one line", () => {
    const prismaLike = new Error(
      "\nInvalid `prisma.workerHeartbeat.upsert()` invocation:\n\n\nThe table `main.WorkerHeartbeat` does not exist in the current database.\n",
    );
    expect(oneLine(prismaLike)).toBe(
      "The table `main.WorkerHeartbeat` does not exist in the current database.",
    );
    expect(oneLine("plain")).toBe("plain");
  });

  it("waits 1 s, 2 s, 4 s … up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => doublingDelayMs(n, 30_000))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(doublingDelayMs(5, 10_000)).toBe(10_000);
  });
});
