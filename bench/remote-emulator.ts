// A BenchEmulator whose emulator runs in its own process (bench/emulator-host.ts), reached
// over IPC. The SMTP and OAuth traffic goes over loopback TCP, as it would to Google.
import { spawn } from "node:child_process";
import path from "node:path";
import type { Counters, IssuedTokens } from "../emulator";
import type { BenchEmulator, EmulatorSettings } from "./bench-emulator";
import type { HostCall, HostReply, HostRequest } from "./emulator-host-protocol";
import type { ReceivedMessage } from "./mailbox-collector";

const HOST = path.join(import.meta.dirname, "emulator-host.ts");

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

export function startRemoteEmulator(settings: EmulatorSettings): Promise<BenchEmulator> {
  const child = spawn(process.execPath, ["--import", "tsx", HOST], {
    cwd: path.join(import.meta.dirname, ".."),
    env: { ...process.env, BENCH_EMULATOR_SETTINGS: JSON.stringify(settings) },
    stdio: ["ignore", process.stderr, "inherit", "ipc"],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;

  const call = <T>(request: HostCall): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      const message: HostRequest = { ...request, id };
      child.send(message);
    });

  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      const error = new Error(`the emulator process exited (code ${code})`);
      for (const p of pending.values()) p.reject(error);
      reject(error);
    });
    child.on("message", (message: HostReply) => {
      if ("ready" in message) {
        const { issuer, gmailApiUrl, smtp } = message.ready;
        resolve({
          issuer,
          gmailApiUrl,
          smtp,
          issueTokens: (email) => call<IssuedTokens>({ method: "issueTokens", email }),
          stats: () => call<Counters>({ method: "stats" }),
          accountStats: (emails) => call<Counters[]>({ method: "accountStats", emails }),
          openSmtpConnections: () => call<number>({ method: "openSmtpConnections" }),
          startCollecting: () => call<void>({ method: "startCollecting" }),
          stopCollecting: () => call<ReceivedMessage[]>({ method: "stopCollecting" }),
          async stop() {
            await call<void>({ method: "stop" });
            if (child.exitCode === null) await new Promise((done) => child.once("exit", done));
          },
        });
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  });
}
