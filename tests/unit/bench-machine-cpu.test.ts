// The sending benchmark's machine-wide CPU figure and the ceiling it puts on a ratio to bare.
import { describe, expect, it } from "vitest";
import { startMachineCpu } from "../../bench/machine-cpu";
import type { PhaseResult } from "../../bench/phase-types";
import { cpuCeiling } from "../../bench/report";

function row(kind: "bare" | "mailroom", messagesPerSecond: number, busyMs?: number): PhaseResult {
  return {
    spec: { kind, round: 1, messages: 1000 },
    messagesPerSecond,
    machine: busyMs === undefined ? null : { busyMs, elapsedMs: 5000, cores: 2 },
  } as unknown as PhaseResult;
}

describe("cpuCeiling", () => {
  it("is what all the cores allow at Mailroom's machine CPU per message, against bare's rate", () => {
    // 4,000 ms for 1,000 messages = 4 ms each: two cores send at most 500/s, half of bare's 1,000.
    expect(cpuCeiling(row("mailroom", 300, 4000), row("bare", 1000))).toBeCloseTo(0.5);
    expect(cpuCeiling(row("mailroom", 300, 2000), row("bare", 500))).toBeCloseTo(2);
  });

  it("says nothing without a bare phase, a machine reading, or for bare itself", () => {
    expect(cpuCeiling(row("mailroom", 300, 4000), undefined)).toBeNull();
    expect(cpuCeiling(row("mailroom", 300), row("bare", 1000))).toBeNull();
    expect(cpuCeiling(row("bare", 1000, 4000), row("bare", 1000))).toBeNull();
  });
});

describe.runIf(process.platform === "linux")("startMachineCpu", () => {
  it("counts CPU this process burns within the window", () => {
    const window = startMachineCpu();
    const until = performance.now() + 200;
    let spins = 0;
    while (performance.now() < until) spins++;
    const machine = window.stop();
    expect(spins).toBeGreaterThan(0);
    expect(machine).not.toBeNull();
    // /proc/stat counts in 10 ms ticks; 200 ms of one busy core shows as at least 150.
    expect(machine!.busyMs).toBeGreaterThanOrEqual(150);
    expect(machine!.elapsedMs).toBeGreaterThanOrEqual(200);
    expect(machine!.cores).toBeGreaterThanOrEqual(1);
  });
});
