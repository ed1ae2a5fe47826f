// Runs `npm run relay` as a real child process (script-process.ts), for tests that crash it with
// SIGKILL.
import { spawnScript } from "./script-process";

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
  const relay = spawnScript("relay.ts", env, LISTENING, "relay");
  const port = relay.ready.then(Number);
  // A test that kills the relay before it listens does not wait for `port`.
  port.catch(() => undefined);
  return {
    pid: relay.pid,
    port,
    exited: relay.exited,
    output: relay.output,
    kill9: () => void relay.signal("SIGKILL"),
  };
}
