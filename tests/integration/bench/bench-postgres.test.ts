// `npm run bench -- --db postgres --workers N` end to end, small: bare sender processes,
// Mailroom's worker processes and the minimal outbox's each deliver every message exactly once,
// and the minimal outbox is compared with bare apart from Mailroom's target.
import { describe, expect, it } from "vitest";
import { postgresUrl, warnWithoutPostgres } from "../../support/test-postgres";
import { runSmallBench } from "../../support/run-bench";

warnWithoutPostgres("npm run bench -- --db postgres");

describe.skipIf(!postgresUrl)("npm run bench -- --db postgres --workers 2", () => {
  it("runs bare, Mailroom and the minimal outbox, each delivering every message once", async () => {
    const report = await runSmallBench(
      ["--db", "postgres", "--workers", "2"],
      ["bare", "mailroom", "minimal"],
    );
    const minimal = report.results.find((r) => r.spec.kind === "minimal")!;
    // Its two worker processes each reported their own usage and claims.
    expect(minimal.processes).toHaveLength(2);
    expect(minimal.claims?.count).toBeGreaterThan(0);
    expect(report.minimalRatios).toEqual([
      { concurrency: 4, ratios: [minimal.ratioToBare], meanRatio: minimal.ratioToBare },
    ]);
    expect(report.ratios[0]?.ratios).toEqual([
      report.results.find((r) => r.spec.kind === "mailroom")!.ratioToBare,
    ]);
  }, 180_000);
});
