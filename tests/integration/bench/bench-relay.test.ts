// `npm run bench -- --via relay` end to end, small: every phase (bare, Mailroom through its relay,
// and the forwarder that shows the least any relay costs) delivers every message exactly once,
// and the report compares each with the round's bare run.
import { describe, expect, it } from "vitest";
import { runBench } from "../../support/run-bench";

const MESSAGES = 60;

describe("npm run bench -- --via relay", () => {
  it("runs bare, Mailroom's relay and the forwarder, each delivering every message once", async () => {
    const { code, report, stderr } = await runBench(
      ["--via", "relay", "--messages", String(MESSAGES), "--accounts", "2"].concat([
        "--rounds",
        "1",
        "--concurrency",
        "4",
      ]),
    );
    expect(code, stderr).toBe(0);
    if (!report) throw new Error(`no report: ${stderr}`);
    expect(report.correct).toBe(true);
    expect(report.results.map((r) => r.spec.kind).sort()).toEqual([
      "bare",
      "forwarder",
      "mailroom",
    ]);
    for (const row of report.results) {
      expect(row.mailbox.distinctMessageIds, row.label).toBe(MESSAGES);
      expect(row.mailbox.received, row.label).toBe(MESSAGES);
    }
    const bare = report.results.find((r) => r.spec.kind === "bare")!;
    const forwarder = report.results.find((r) => r.spec.kind === "forwarder")!;
    expect(forwarder.ratioToBare).toBeCloseTo(
      forwarder.messagesPerSecond / bare.messagesPerSecond,
      6,
    );
    expect(report.forwarderRatios).toEqual([forwarder.ratioToBare]);
    // The relay's target is judged on Mailroom's phase alone, never on the forwarder's.
    expect(report.targets).toHaveLength(1);
    expect(report.targets[0]?.target).toContain("through the relay");
    expect(report.ratios[0]?.ratios).toEqual([
      report.results.find((r) => r.spec.kind === "mailroom")!.ratioToBare,
    ]);
  }, 120_000);
});
