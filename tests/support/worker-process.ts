// Runs `npm run worker` as a real child process (script-process.ts), for tests that crash it with
// SIGKILL: `kill -9` hits the process that holds the lease and the SMTP connection.
import { spawnScript, type ScriptExit } from "./script-process";

const STARTED = /Mailroom worker (\S+) started/;

export type WorkerExit = ScriptExit;

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
  const worker = spawnScript("worker.ts", env, STARTED, "worker");
  return {
    pid: worker.pid,
    started: worker.ready,
    exited: worker.exited,
    output: worker.output,
    kill9: () => worker.signal("SIGKILL"),
    stop: () => worker.signal("SIGTERM"),
  };
}
