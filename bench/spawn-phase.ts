// Runs one phase in a child process and returns what it measured.
import { spawn } from "node:child_process";
import path from "node:path";
import type { HistoryResult, HistorySpec, PhaseResult, PhaseSpec } from "./phase-types";

/** `env`: more environment for the child (e.g. BENCH_DATABASE_URL, kept out of the spec). */
export function spawnPhase(
  spec: PhaseSpec,
  cpuProfDir?: string,
  env: Record<string, string> = {},
): Promise<PhaseResult> {
  return spawnChild(
    "phase-child.ts",
    spec,
    { ...env, NODE_EXTRA_CA_CERTS: spec.caCertFile },
    cpuProfDir,
  );
}

export function spawnHistoryPhase(spec: HistorySpec, cpuProfDir?: string): Promise<HistoryResult> {
  return spawnChild("history-child.ts", spec, {}, cpuProfDir);
}

/** Starts bench/`script` with `spec` in BENCH_PHASE_SPEC; resolves with what it sends back. */
function spawnChild<Result>(
  script: string,
  spec: { kind: string },
  env: Record<string, string>,
  cpuProfDir?: string,
): Promise<Result> {
  const profile = cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(cpuProfDir)] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...profile,
        "--import",
        "tsx",
        "--conditions=react-server",
        path.join(import.meta.dirname, script),
      ],
      {
        cwd: path.join(import.meta.dirname, ".."),
        env: {
          ...process.env,
          ...env,
          BENCH_PHASE_SPEC: JSON.stringify(spec),
          CHECKPOINT_DISABLE: "1",
        },
        // The child's stdout goes to our stderr, so --json output stays clean.
        stdio: ["ignore", process.stderr, "inherit", "ipc"],
      },
    );
    let result: Result | undefined;
    child.on("message", (message) => {
      result = message as Result;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`${spec.kind} phase exited with ${signal ?? `code ${code}`}`));
    });
  });
}
