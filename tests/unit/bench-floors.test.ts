// The phases that show the least a relay (the forwarder) and an outbox on PostgreSQL (the minimal
// outbox) cost: which Message-ID the forwarder records, and how the report sets each beside bare.
import { describe, expect, it } from "vitest";
import { messageIdOf } from "../../bench/forwarder-phase";
import { parseBenchOptions } from "../../bench/bench-options";
import type { PhaseKind, PhaseResult } from "../../bench/phase-types";
import { buildReport, formatReport } from "../../bench/report";

describe("messageIdOf", () => {
  it("reads the Message-ID header, whatever its case, without its angle brackets", () => {
    const raw = Buffer.from(
      "From: a@gmail.example\r\nmessage-ID: <abc.123@mailroom.example>\r\nSubject: x\r\n\r\nbody\r\n",
    );
    expect(messageIdOf(raw)).toBe("abc.123@mailroom.example");
  });

  it("looks only in the header block, not the body", () => {
    const raw = Buffer.from("Subject: x\r\n\r\nMessage-ID: <in.body@example>\r\n");
    expect(messageIdOf(raw)).toBeUndefined();
  });
});

function phase(
  kind: PhaseKind,
  concurrency: number,
  messagesPerSecond: number,
  round = 1,
  spec: Record<string, unknown> = { via: "relay", workers: 1 },
): PhaseResult {
  const usage = { userMs: 1000, systemMs: 100 };
  return {
    spec: { kind, round, messages: 1000, concurrency, ...spec },
    durationMs: (1000 / messagesPerSecond) * 1000,
    messagesPerSecond,
    emulator: {
      tokenGrants: 0,
      refreshes: 0,
      smtpConnections: 6,
      auths: 6,
      authFailures: 0,
      messages: 1000,
    },
    pool: { maxConnections: 3, maxMessages: 100 },
    rss: { baselineBytes: 1, peakBytes: 2, samples: 1 },
    cpu: usage,
    eventLoopUtilization: 0.5,
    machine: { busyMs: 4000, elapsedMs: 2000, cores: 2 },
    processes: [],
    perAccount: { refreshes: { max: 0, mean: 0 }, auths: { max: 3, mean: 3 } },
    openSmtp: { open: 6, waitedMs: null },
    mailbox: { received: 1000, distinctMessageIds: 1000, meanSizeBytes: 2300 },
    correctness: { ok: true, problems: [] },
  } as unknown as PhaseResult;
}

describe("the relay report", () => {
  const options = parseBenchOptions(["--via", "relay", "--concurrency", "8", "--rounds", "1"]);
  if (options === "help") throw new Error("unexpected help");
  const report = buildReport(options, [
    phase("bare", 0, 1000),
    phase("mailroom", 8, 400),
    phase("forwarder", 0, 700),
  ]);

  it("compares the forwarder with bare, apart from Mailroom's ratios and targets", () => {
    expect(report.forwarderRatios).toEqual([0.7]);
    expect(report.ratios).toEqual([{ concurrency: 8, ratios: [0.4], meanRatio: 0.4 }]);
    expect(report.targets.map((t) => [t.measured, t.meets])).toEqual([["mean 0.40 (0.40)", false]]);
  });

  it("prints the forwarder's ratio as the most a relay reaches on the machine", () => {
    const text = formatReport(report);
    expect(text).toMatch(/forwarder \(no outbox\)/);
    expect(text).toMatch(
      /Forwarder ÷ bare .*the most any relay reaches here\): 0\.70 {2}mean 0\.70/,
    );
  });
});

describe("the PostgreSQL report", () => {
  const options = parseBenchOptions([
    "--db",
    "postgres",
    "--workers",
    "4",
    "--concurrency",
    "16",
    "--rounds",
    "2",
  ]);
  if (options === "help") throw new Error("unexpected help");
  const pg = { via: "direct", db: "postgres", workers: 4 };
  const report = buildReport(options, [
    phase("bare", 0, 1000, 1, pg),
    phase("mailroom", 16, 400, 1, pg),
    phase("minimal", 16, 750, 1, pg),
    phase("bare", 0, 500, 2, pg),
    phase("mailroom", 16, 150, 2, pg),
    phase("minimal", 16, 400, 2, pg),
  ]);

  it("compares the minimal outbox with its own round's bare, apart from Mailroom's target", () => {
    expect(report.minimalRatios).toEqual([
      { concurrency: 16, ratios: [0.75, 0.8], meanRatio: expect.closeTo(0.775, 6) as number },
    ]);
    expect(report.ratios[0]?.ratios).toEqual([0.4, 0.3]);
    expect(report.targets).toHaveLength(1);
    expect(report.targets[0]?.measured).toBe("mean 0.35 (0.40, 0.30)");
  });

  it("prints the minimal outbox's ratios per concurrency", () => {
    const text = formatReport(report);
    expect(text).toMatch(/minimal outbox 4×c=16/);
    expect(text).toMatch(/Minimal outbox ÷ bare [^\n]*\n {2}c=16 {2}0\.75, 0\.80 {2}mean 0\.78/);
  });
});
