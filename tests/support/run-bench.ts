// Runs `npm run bench` with `args` (and --json) as a user would, and parses its report.
import { spawn } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";
import type { PhaseKind } from "../../bench/phase-types";
import type { BenchReport } from "../../bench/report";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export function runBench(
  args: string[],
): Promise<{ code: number | null; report: BenchReport | undefined; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(REPO_ROOT, "node_modules/.bin/tsx"),
      ["bench/run.ts", ...args, "--json"],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        report: stdout.trim() ? (JSON.parse(stdout) as BenchReport) : undefined,
        stderr,
      }),
    );
  });
}

/** Messages in a small bench run (runSmallBench). */
export const SMALL_BENCH_MESSAGES = 60;

/**
 * A small run (60 messages over 2 accounts, one round, 4 lanes) with `args`: it exits 0, reports
 * exactly the phases `kinds`, and each of them delivered every message once.
 */
export async function runSmallBench(args: string[], kinds: PhaseKind[]): Promise<BenchReport> {
  const { code, report, stderr } = await runBench([
    ...args,
    ...["--messages", String(SMALL_BENCH_MESSAGES), "--accounts", "2"],
    ...["--rounds", "1", "--concurrency", "4"],
  ]);
  expect(code, stderr).toBe(0);
  if (!report) throw new Error(`no report: ${stderr}`);
  expect(report.correct).toBe(true);
  expect(report.results.map((r) => r.spec.kind).sort()).toEqual([...kinds].sort());
  for (const row of report.results) {
    expect(row.mailbox.distinctMessageIds, row.label).toBe(SMALL_BENCH_MESSAGES);
    expect(row.mailbox.received, row.label).toBe(SMALL_BENCH_MESSAGES);
  }
  return report;
}
