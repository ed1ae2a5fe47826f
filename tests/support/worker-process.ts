// Runs `npm run worker` as a real child process, for tests that crash it with SIGKILL. It is
// started as one node process (no npm or tsx CLI in between), so its pid is the worker's own and
// `kill -9` hits the process that holds the lease and the SMTP connection.
import { spawn } from "node:child_process";
import path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const STARTED = /Mailroom worker (\S+) started/;

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  pid: number;
  /** The worker's id as it writes it into `lockedBy`, once it has started its lanes. */
  started: Promise<string>;
  exited: Promise<WorkerExit>;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output: () => string;
  /** `kill -9`: no handler runs, no lease is released, the SMTP socket just goes away. */
  kill9: () => Promise<WorkerExit>;
  /** The graceful stop `npm run worker` does on SIGTERM. */
  stop: () => Promise<WorkerExit>;
}

/** Starts `tsx --conditions=react-server scripts/worker.ts` with this process's environment. */
export function spawnWorker(env: NodeJS.ProcessEnv = process.env): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    {
      cwd: REPO_ROOT,
      env: { ...env, CHECKPOINT_DISABLE: "1", NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error("Could not start the worker process.");
  const pid = child.pid;
  let log = "";

  const exited = new Promise<WorkerExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const started = new Promise<string>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      log += chunk.toString("utf8");
      const match = STARTED.exec(log);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    void exited.then((exit) =>
      reject(
        new Error(
          `The worker exited (code ${exit.code}, signal ${exit.signal}) before it started:\n${log}`,
        ),
      ),
    );
  });
  // A test that kills the worker before it starts does not wait for `started`.
  started.catch(() => undefined);

  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };

  return {
    pid,
    started,
    exited,
    output: () => log,
    kill9: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
  };
}
