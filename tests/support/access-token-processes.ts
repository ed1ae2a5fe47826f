// Runs lib/google/access-token in several child processes (access-token-child.ts) on one
// database, and has them all ask for the same accounts' tokens at the same moment.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const CHILD = path.join("tests", "support", "access-token-child.ts");

/** Account id → SHA-256 of the access token one process got. */
export type TokenFingerprints = Record<string, string>;

export interface TokenProcesses {
  /** Every process asks for the accounts' tokens at once; what each got, in process order. */
  ask(accountIds: string[], options: { forceRefresh: boolean }): Promise<TokenFingerprints[]>;
  stop(): Promise<void>;
}

interface TokenProcess {
  /** The next "tokens" line this process prints. */
  nextTokens(): Promise<TokenFingerprints>;
  send(line: string): void;
  stop(): Promise<void>;
}

/** Starts `count` processes on `env` (its DATABASE_URL: the database they share); all ready. */
export async function startTokenProcesses(
  count: number,
  env: NodeJS.ProcessEnv,
): Promise<TokenProcesses> {
  const processes = Array.from({ length: count }, () => startTokenProcess(env));
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  try {
    await Promise.all(processes.map((p) => p.ready));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    async ask(accountIds, { forceRefresh }) {
      const replies = processes.map((p) => p.nextTokens());
      const line = JSON.stringify({ accountIds, forceRefresh });
      for (const p of processes) p.send(line);
      return Promise.all(replies);
    },
    stop,
  };
}

function startTokenProcess(env: NodeJS.ProcessEnv): TokenProcess & { ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", CHILD], {
    cwd: REPO_ROOT,
    env: { ...env, CHECKPOINT_DISABLE: "1", NODE_ENV: "test" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  // Everything it printed, for failure messages; its answers ("ready", "tokens …") in order.
  let output = "";
  let failed: Error | undefined;
  const answers: string[] = [];
  const waiting: { resolve: (answer: string) => void; reject: (error: Error) => void }[] = [];

  createInterface({ input: child.stdout }).on("line", (line) => {
    output += line + "\n";
    if (line !== "ready" && !line.startsWith("tokens ")) return;
    const next = waiting.shift();
    if (next) next.resolve(line);
    else answers.push(line);
  });
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  // Writing to a process that died fails; its exit already says why.
  child.stdin.on("error", () => undefined);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      failed = new Error(`The token process exited (code ${code}, signal ${signal}):\n${output}`);
      for (const next of waiting.splice(0)) next.reject(failed);
      resolve();
    }),
  );
  const nextAnswer = () => {
    const answer = answers.shift();
    if (answer !== undefined) return Promise.resolve(answer);
    if (failed) return Promise.reject(failed);
    return new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  };

  return {
    ready: nextAnswer().then(() => undefined),
    nextTokens: async () =>
      JSON.parse((await nextAnswer()).slice("tokens ".length)) as TokenFingerprints,
    send: (line) => child.stdin.write(line + "\n"),
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      return exited;
    },
  };
}
