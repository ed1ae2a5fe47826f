// Runs one of scripts/ as a real child process, for tests that crash it with SIGKILL. It is
// started as one node process (no npm or tsx CLI in between), so its pid is the script's own and
// `kill -9` hits the process that holds the leases and sockets.
import { spawn } from "node:child_process";
import path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface ScriptExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ScriptProcess {
  pid: number;
  /** The first group of `readyLine` once the script prints it (stdout or stderr). */
  ready: Promise<string>;
  exited: Promise<ScriptExit>;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output: () => string;
  /** Sends `name` unless it has exited; resolves when it has. */
  signal: (name: NodeJS.Signals) => Promise<ScriptExit>;
}

/** Starts `tsx --conditions=react-server scripts/<script>` with `env`. */
export function spawnScript(
  script: string,
  env: NodeJS.ProcessEnv,
  readyLine: RegExp,
  what: string,
): ScriptProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", `scripts/${script}`],
    {
      cwd: REPO_ROOT,
      env: { ...env, CHECKPOINT_DISABLE: "1", NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error(`Could not start the ${what} process.`);
  let log = "";
  const exited = new Promise<ScriptExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<string>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      log += chunk.toString("utf8");
      const match = readyLine.exec(log);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    void exited.then((exit) =>
      reject(
        new Error(
          `The ${what} exited (code ${exit.code}, signal ${exit.signal}) before it was ready:\n${log}`,
        ),
      ),
    );
  });
  // A test that kills the process before it is ready does not wait for `ready`.
  ready.catch(() => undefined);
  return {
    pid: child.pid,
    ready,
    exited,
    output: () => log,
    signal: (name) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(name);
      return exited;
    },
  };
}
