// Runs `npm run bench` with `args` (and --json) as a user would, and parses its report.
import { spawn } from "node:child_process";
import path from "node:path";
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
