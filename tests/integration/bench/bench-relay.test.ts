// `npm run bench -- --via relay` end to end, small: every phase (bare, Mailroom through its relay,
// and the forwarder that shows the least any relay costs) delivers every message exactly once,
// and the report compares each with the round's bare run.
import { describe, expect, it } from "vitest";
import { runSmallBench } from "../../support/run-bench";

describe("npm run bench -- --via relay", () => {
  it("runs bare, Mailroom's relay and the forwarder, each delivering every message once", async () => {
    const report = await runSmallBench(["--via", "relay"], ["bare", "mailroom", "forwarder"]);
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
