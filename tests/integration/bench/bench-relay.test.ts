// `npm run bench -- --via relay` end to end, small: every phase (bare, Mailroom through its relay,
// and the forwarder that shows the least any relay costs) delivers every message exactly once,
// and the report compares each with the round's bare run.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BenchReport } from "../../../bench/report";

const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const MESSAGES = 60;

function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, "node_modules/.bin/tsx"), ["bench/run.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run bench -- --via relay", () => {
  it("runs bare, Mailroom's relay and the forwarder, each delivering every message once", async () => {
    const { code, stdout, stderr } = await runBench([
      "--via",
      "relay",
      "--messages",
      String(MESSAGES),
      "--accounts",
      "2",
      "--rounds",
      "1",
      "--concurrency",
      "4",
      "--json",
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as BenchReport;
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
