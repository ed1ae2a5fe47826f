// `npm run bench -- --db postgres --workers N` end to end, small: bare sender processes,
// Mailroom's worker processes and the minimal outbox's each deliver every message exactly once,
// and the minimal outbox is compared with bare apart from Mailroom's target.
import { describe, expect, it } from "vitest";
import { postgresUrl, warnWithoutPostgres } from "../../support/test-postgres";
import { runBench } from "../../support/run-bench";

const MESSAGES = 60;

warnWithoutPostgres("npm run bench -- --db postgres");

describe.skipIf(!postgresUrl)("npm run bench -- --db postgres --workers 2", () => {
  it("runs bare, Mailroom and the minimal outbox, each delivering every message once", async () => {
    const { code, report, stderr } = await runBench(
      ["--db", "postgres", "--workers", "2", "--messages", String(MESSAGES)].concat([
        "--accounts",
        "2",
        "--rounds",
        "1",
        "--concurrency",
        "4",
      ]),
    );
    expect(code, stderr).toBe(0);
    if (!report) throw new Error(`no report: ${stderr}`);
    expect(report.correct).toBe(true);
    expect(report.results.map((r) => r.spec.kind).sort()).toEqual(["bare", "mailroom", "minimal"]);
    for (const row of report.results) {
      expect(row.mailbox.distinctMessageIds, row.label).toBe(MESSAGES);
      expect(row.mailbox.received, row.label).toBe(MESSAGES);
    }
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
