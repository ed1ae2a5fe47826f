// Starts the processes a phase runs alongside itself (--workers N > 1) the way bench/run.ts starts
// the phase: node with this process's own flags (tsx, the react-server condition, --cpu-prof when
// asked), this process's environment (Mailroom's configuration, NODE_EXTRA_CA_CERTS) plus `env`.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { FromChild, ToChild } from "./child-protocol";

type Reply<T extends FromChild["type"]> = Extract<FromChild, { type: T }>;

export interface BenchChild {
  send(message: ToChild): void;
  /** The next message of this type (in order); rejects if the process exits first. */
  next<T extends FromChild["type"]>(type: T): Promise<Reply<T>>;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  kill(): void;
}

export function spawnBenchChild(
  script: string,
  name: string,
  env: Record<string, string>,
): BenchChild {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, path.join(import.meta.dirname, script)],
    {
      cwd: path.join(import.meta.dirname, ".."),
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const received: FromChild[] = [];
  const waiters: {
    type: FromChild["type"];
    resolve(m: FromChild): void;
    reject(e: Error): void;
  }[] = [];
  let exitError: Error | undefined;

  const deliver = () => {
    for (const waiter of [...waiters]) {
      const index = received.findIndex((m) => m.type === waiter.type);
      if (index >= 0) {
        const [message] = received.splice(index, 1);
        waiters.splice(waiters.indexOf(waiter), 1);
        if (message) waiter.resolve(message);
      } else if (exitError) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.reject(exitError);
      }
    }
  };
  child.on("message", (message: FromChild) => {
    received.push(message);
    deliver();
  });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exitError = new Error(`${name} exited with ${signal ?? `code ${code}`}`);
      deliver();
      resolve();
    });
    child.on("error", (error) => {
      exitError = error;
      deliver();
      resolve();
    });
  });

  return {
    send(message) {
      if (child.connected) child.send(message);
    },
    next<T extends FromChild["type"]>(type: T): Promise<Reply<T>> {
      return new Promise<Reply<T>>((resolve, reject) => {
        waiters.push({ type, resolve: (m) => resolve(m as Reply<T>), reject });
        deliver();
      });
    },
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
