// The sending benchmark's verdicts: which targets a run is about, and where each threshold lies.
import { describe, expect, it } from "vitest";
import { judgeTargets, TARGETS, type MailroomFigures, type RunKind } from "../../bench/targets";

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

const sqliteDefault: RunKind = { db: "sqlite", workers: 1, accounts: 4 };
const postgres4: RunKind = { db: "postgres", workers: 4, accounts: 4 };

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
    const kind: RunKind = { db: "postgres", workers: 1, accounts: TARGETS.accounts };
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
    const verdicts = judgeTargets({ db: "sqlite", workers: 1, accounts: 1000 }, [phase()]);
    expect(verdicts.map((v) => v.target.split(":")[0])).toEqual([
      "SQLite, one worker",
      "1000 accounts",
      "1000 accounts",
      "1000 accounts",
    ]);
    expect(judgeTargets({ db: "sqlite", workers: 1, accounts: 999 }, [phase()])).toHaveLength(1);
  });
});
