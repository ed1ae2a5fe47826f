// Runs `npm run relay` as a real child process, for tests that crash it with SIGKILL. Started as
// one node process (no npm or tsx CLI in between), so its pid is the relay's own.
import { spawn } from "node:child_process";
import path from "node:path";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const LISTENING = /Mailroom relay listening on port (\d+)/;

export interface RelayProcess {
  pid: number;
  /** The STARTTLS port, once it listens (start it with RELAY_PORT=0 for a free one). */
  port: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  /** `kill -9`: no handler runs; whatever was not committed is lost. */
  kill9: () => void;
}

/** Starts `tsx --conditions=react-server scripts/relay.ts` with `env`. */
export function spawnRelay(env: NodeJS.ProcessEnv): RelayProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/relay.ts"],
    {
      cwd: REPO_ROOT,
      env: { ...env, CHECKPOINT_DISABLE: "1", NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error("Could not start the relay process.");
  let log = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const port = new Promise<number>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      log += chunk.toString("utf8");
      const match = LISTENING.exec(log);
      if (match?.[1]) resolve(Number(match[1]));
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    void exited.then((exit) =>
      reject(new Error(`The relay exited (${exit.code ?? exit.signal}) before listening:\n${log}`)),
    );
  });
  port.catch(() => undefined);
  return {
    pid: child.pid,
    port,
    exited,
    output: () => log,
    kill9: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
