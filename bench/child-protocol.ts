// Messages between a phase's process and the processes it starts: with --workers N > 1, Mailroom
// worker processes (bench/worker-child.ts) and bare sender processes (bench/sender-child.ts);
// with --via relay, the process of the relay's clients (bench/relay-client-child.ts).
import type { ResourceUsage } from "./resource-sampler";

export type ToChild =
  /** Sender only: the accounts' access tokens (too many for the environment with 1,000). */
  | { type: "tokens"; tokens: string[] }
  /** Relay client only: each account's API key, the SMTP password it logs in with. */
  | { type: "keys"; secrets: string[] }
  /** The clock starts: measure from now (a sender starts sending, the relay's clients submitting). */
  | { type: "start" }
  /** Worker only: the window is over; report what it cost. */
  | { type: "finish" }
  /** Stop (a worker drains and closes its transports) and exit. */
  | { type: "stop" };

export type FromChild =
  | { type: "ready" }
  /** A worker's answer to "finish": its usage and every claim() call's duration in the window. */
  | { type: "usage"; usage: ResourceUsage; claimsMs: number[]; failures?: string[] }
  /** A sender's last 250: when (epoch ms, comparable across processes), and what it sent. */
  | {
      type: "done";
      endEpochMs: number;
      usage: ResourceUsage;
      /** [Message-ID, From] of every message sent. */
      sent: [string, string][];
      failures: string[];
    }
  /** The relay's clients' last answer: when, each 250's latency, and what went wrong. */
  | {
      type: "submitted";
      endEpochMs: number;
      usage: ResourceUsage;
      /** Per message accepted, ms from its sendMail to the relay's 250. */
      latencies: number[];
      problems: string[];
    }
  | { type: "stopped" };

/** Worker settings, in BENCH_WORKER. */
export interface WorkerSettings {
  index: number;
  concurrency: number;
}

/** Sender settings, in BENCH_SENDER. */
export interface SenderSettings {
  index: number;
  senders: number;
  messages: number;
  accounts: number;
  bodyBytes: number;
  smtp: { host: string; securePort: number };
}

/** A minimal outbox worker's settings, in BENCH_MINIMAL_WORKER (tokens come in a message). */
export interface MinimalWorkerSettings {
  index: number;
  concurrency: number;
  messages: number;
  accounts: number;
  bodyBytes: number;
  smtp: { host: string; securePort: number };
  /** The phase's fresh database, made by bench/run.ts. */
  databaseUrl: string;
}

/** Relay client settings, in BENCH_RELAY_CLIENT (the keys come in a "keys" message). */
export interface RelayClientSettings {
  /** The relay's STARTTLS port on 127.0.0.1 (the clients log in without TLS, from loopback). */
  port: number;
  messages: number;
  accounts: number;
  bodyBytes: number;
}

/** performance.now() on a clock every process on the machine shares (ms since the epoch). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
