// Runs one phase in a child process and returns what it measured.
import { spawn } from "node:child_process";
import path from "node:path";
import type { PhaseResult, PhaseSpec } from "./phase-types";

const CHILD = path.join(import.meta.dirname, "phase-child.ts");

export function spawnPhase(spec: PhaseSpec, cpuProfDir?: string): Promise<PhaseResult> {
  const profile = cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(cpuProfDir)] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...profile, "--import", "tsx", "--conditions=react-server", CHILD],
      {
        cwd: path.join(import.meta.dirname, ".."),
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: spec.caCertFile,
          BENCH_PHASE_SPEC: JSON.stringify(spec),
          CHECKPOINT_DISABLE: "1",
        },
        // The child's stdout goes to our stderr, so --json output stays clean.
        stdio: ["ignore", process.stderr, "inherit", "ipc"],
      },
    );
    let result: PhaseResult | undefined;
    child.on("message", (message) => {
      result = message as PhaseResult;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`${spec.kind} phase exited with ${signal ?? `code ${code}`}`));
    });
  });
}
