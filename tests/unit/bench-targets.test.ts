// The sending benchmark's verdicts: which targets a run is about, and where each threshold lies.
import { describe, expect, it } from "vitest";
import {
  HISTORY_SEARCH_P95_MS,
  judgeHistorySearch,
  judgeTargets,
  TARGETS,
  type MailroomFigures,
  type RunKind,
} from "../../bench/targets";

const MB = 2 ** 20;

function phase(overrides: Partial<MailroomFigures> = {}): MailroomFigures {
  return {
    concurrency: 16,
    messagesPerSecond: 300,
    ratioToBare: 1,
    peakRssBytes: 300 * MB,
    openSmtp: 0,
    ...overrides,
  };
}

const direct = { via: "direct", apiRate: 200 } as const;
const sqliteDefault: RunKind = { db: "sqlite", workers: 1, accounts: 4, ...direct };
const postgres4: RunKind = { db: "postgres", workers: 4, accounts: 4, ...direct };
const viaApi: RunKind = { ...sqliteDefault, via: "api", apiRate: 200 };
const viaRelay: RunKind = { ...sqliteDefault, via: "relay" };

describe("judgeTargets", () => {
  it("judges the default SQLite run by its mean ratio against 0.9, per concurrency", () => {
    const verdicts = judgeTargets(sqliteDefault, [
      phase({ concurrency: 8, ratioToBare: 0.85 }),
      phase({ concurrency: 8, ratioToBare: 0.95 }),
      phase({ concurrency: 16, ratioToBare: 0.95 }),
      phase({ concurrency: 16, ratioToBare: 0.8 }),
    ]);
    expect(verdicts.map((v) => [v.concurrency, v.meets])).toEqual([
      [8, true],
      [16, false],
    ]);
    expect(verdicts[0]?.target).toContain(`≥ ${TARGETS.sqliteRatio}`);
    expect(verdicts[0]?.measured).toBe("mean 0.90 (0.85, 0.95)");
  });

  it("ignores rounds without a bare phase, and misses when none has one", () => {
    const [withOne] = judgeTargets(sqliteDefault, [
      phase({ ratioToBare: null }),
      phase({ ratioToBare: 0.95 }),
    ]);
    expect(withOne?.meets).toBe(true);
    const [withNone] = judgeTargets(sqliteDefault, [phase({ ratioToBare: null })]);
    expect(withNone).toMatchObject({ meets: false, measured: "no bare phase to compare with" });
  });

  it("judges PostgreSQL with 4 worker processes against 0.8, and no other engine or count", () => {
    const [meets] = judgeTargets(postgres4, [phase({ ratioToBare: 0.8 })]);
    expect(meets).toMatchObject({ meets: true });
    expect(meets?.target).toContain("4 worker processes");
    const [misses] = judgeTargets(postgres4, [phase({ ratioToBare: 0.79 })]);
    expect(misses?.meets).toBe(false);

    expect(judgeTargets({ ...postgres4, workers: 2 }, [phase()])).toEqual([]);
    expect(judgeTargets({ ...postgres4, workers: 1 }, [phase()])).toEqual([]);
    expect(judgeTargets({ ...sqliteDefault, workers: 4 }, [phase()])).toEqual([]);
  });

  it("judges runs with 1,000 accounts on rate, RSS of the largest process and open connections", () => {
    const kind: RunKind = {
      db: "postgres",
      workers: 1,
      accounts: TARGETS.accounts,
      ...direct,
    };
    const ok = judgeTargets(kind, [phase({ messagesPerSecond: 250, peakRssBytes: 500 * MB })]);
    expect(ok.map((v) => v.meets)).toEqual([true, true, true]);

    const missing = judgeTargets(kind, [
      phase({ messagesPerSecond: 300, peakRssBytes: 200 * MB, openSmtp: 0 }),
      phase({ messagesPerSecond: 190, peakRssBytes: 501 * MB, openSmtp: 3 }),
    ]);
    expect(missing.map((v) => [v.measured, v.meets])).toEqual([
      ["mean 245 msg/s", false],
      ["largest 501 MB", false],
      ["3 open at the end", false],
    ]);
  });

  it("adds the accounts targets to the engine's own when both apply", () => {
    const verdicts = judgeTargets({ ...sqliteDefault, accounts: 1000 }, [phase()]);
    expect(verdicts.map((v) => v.target.split(":")[0])).toEqual([
      "SQLite, one worker",
      "1000 accounts",
      "1000 accounts",
      "1000 accounts",
    ]);
    expect(judgeTargets({ ...sqliteDefault, accounts: 999 }, [phase()])).toHaveLength(1);
  });

  it("judges --via api on SQLite by the worst round's accept p99 ≤ 50 ms, only at 200 requests/s achieved", () => {
    const api = (acceptP99Ms: number, acceptedPerSecond = 199) =>
      phase({ acceptP99Ms, acceptedPerSecond, ratioToBare: 0.1 });
    const [meets, ...others] = judgeTargets(viaApi, [api(12.3), api(50)]);
    expect(others).toEqual([]);
    expect(meets).toMatchObject({
      meets: true,
      measured: "worst p99 50.0 ms, lowest achieved 199 requests/s",
    });
    expect(meets?.target).toContain("p99 ≤ 50 ms at 200 requests/s");
    // Judged as printed: 50.04 prints as 50.0 and meets; 50.06 prints as 50.1 and misses.
    expect(judgeTargets(viaApi, [api(50.04)])[0]?.meets).toBe(true);
    expect(judgeTargets(viaApi, [api(12), api(50.06)])[0]?.meets).toBe(false);
    // A p99 at a rate that fell short of the offered one does not count.
    expect(judgeTargets(viaApi, [api(10, 190)])[0]?.meets).toBe(true);
    expect(judgeTargets(viaApi, [api(10, 189.4)])[0]?.meets).toBe(false);
    expect(judgeTargets(viaApi, [phase()])[0]).toMatchObject({
      meets: false,
      measured: "no accept latencies",
    });
    // Not about PostgreSQL, nor about a lower offered rate; the direct targets do not apply.
    expect(judgeTargets({ ...viaApi, db: "postgres" }, [api(10)])).toEqual([]);
    expect(judgeTargets({ ...viaApi, apiRate: 100 }, [api(10, 100)])).toEqual([]);
    expect(judgeTargets({ ...viaApi, accounts: 1000 }, [api(10)])).toHaveLength(1);
  });

  it("judges --via relay by the mean ratio to bare against 0.7, on either engine", () => {
    const [meets, ...others] = judgeTargets(viaRelay, [
      phase({ ratioToBare: 0.65 }),
      phase({ ratioToBare: 0.75 }),
    ]);
    expect(others).toEqual([]);
    expect(meets).toMatchObject({ meets: true, measured: "mean 0.70 (0.65, 0.75)" });
    expect(meets?.target).toContain("relay");
    const [misses] = judgeTargets({ ...viaRelay, db: "postgres", workers: 4 }, [
      phase({ ratioToBare: 0.69 }),
    ]);
    expect(misses?.meets).toBe(false);
  });
});

describe("judgeHistorySearch", () => {
  it("judges the slowest search's p95 against 200 ms, as printed to one place", () => {
    const verdict = judgeHistorySearch(1_000_000, [
      { label: "by recipient", p95Ms: 12.3 },
      { label: "by subject", p95Ms: 200.04 },
    ]);
    expect(verdict.target).toBe(
      `history search p95 ≤ ${HISTORY_SEARCH_P95_MS} ms with 1,000,000 messages`,
    );
    expect(verdict.measured).toBe("slowest p95 200.0 ms (by subject)");
    expect(verdict.meets).toBe(true);
  });

  it("misses when any search is slower, and when nothing was timed", () => {
    const verdict = judgeHistorySearch(1_000_000, [
      { label: "by recipient", p95Ms: 200.06 },
      { label: "by subject", p95Ms: 3 },
    ]);
    expect(verdict.meets).toBe(false);
    expect(verdict.measured).toBe("slowest p95 200.1 ms (by recipient)");
    expect(judgeHistorySearch(10, []).meets).toBe(false);
  });
});
