// The contract between the bench's parent (bench/run.ts) and the child that measures one phase.
import type { MachineCpu } from "./machine-cpu";
import type { ResourceUsage } from "./resource-sampler";

/**
 * "forwarder" (--via relay runs only): a plain smtp-server forwarding each message through bare's
 * transports, the least any relay can cost (bench/forwarder-phase.ts). "minimal" (--db postgres
 * runs only): the plainest durable outbox on the same server, the least any outbox there adds to
 * bare (bench/minimal-outbox-phase.ts).
 */
export type PhaseKind = "bare" | "mailroom" | "forwarder" | "minimal";

/** "in-process": the emulator shares the measured process; "separate": a process of its own. */
export type EmulatorMode = "in-process" | "separate";

/** The database Mailroom's outbox runs on (and the history benchmark seeds). */
export type BenchDb = "sqlite" | "postgres";

/**
 * How Mailroom's phase takes the messages in: "direct" calls enqueueMessage; "api" POSTs each to
 * the HTTP API's route handler with the sender's key; "relay" sends each to Mailroom's SMTP relay.
 */
export type BenchVia = "direct" | "api" | "relay";

/** What one child process measures; passed to it as JSON in BENCH_PHASE_SPEC. */
export interface PhaseSpec {
  kind: PhaseKind;
  round: number;
  messages: number;
  accounts: number;
  bodyBytes: number;
  /** Emulator holds every DATA reply this long, like Gmail's own processing time; 0 = at once. */
  gmailLatencyMs: number;
  emulator: EmulatorMode;
  /** Mailroom only: worker lanes (per worker process). */
  concurrency: number;
  /** Mailroom only: the outbox's database (PostgreSQL's URL comes in BENCH_DATABASE_URL). */
  db: BenchDb;
  /**
   * 1: Mailroom's worker runs in the phase's process, bare sends from it. N > 1: N Mailroom
   * worker processes (bench/worker-child.ts), or N bare sender processes each sending 1/N.
   */
  workers: number;
  /** After the last send, wait (up to 75 s) until the emulator has no SMTP connection open. */
  waitForIdle: boolean;
  /** Mailroom on PostgreSQL only: ANALYZE the database once its senders are seeded. */
  analyze: boolean;
  /** Mailroom only: enqueues started together; the next burst starts when one finishes. */
  burst: number;
  /** Mailroom only: how the messages come in (enqueueMessage, the HTTP API or the relay). */
  via: BenchVia;
  /** Mailroom with via "api": requests started per second, on a fixed schedule. */
  apiRate: number;
  /** The emulator's CA (the child's NODE_EXTRA_CA_CERTS points at caCertFile). */
  caCertFile: string;
  caKeyFile: string;
}

/** Emulator counter deltas over the measured window. */
export interface EmulatorDeltas {
  tokenGrants: number;
  refreshes: number;
  smtpConnections: number;
  auths: number;
  authFailures: number;
  messages: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Max and mean over the accounts. */
export interface Spread {
  max: number;
  mean: number;
}

export interface PhaseResult {
  spec: PhaseSpec;
  /** First send (bare) or first enqueue (mailroom) to the last 250 (bare) or last `sent` row. */
  durationMs: number;
  messagesPerSecond: number;
  /**
   * Mailroom only: per-message accept latency (enqueueMessage's call; via api, the scheduled
   * start of the request to its 202; via relay, sendMail to the relay's 250), and how long
   * taking all in took.
   */
  enqueue?: LatencySummary & { totalMs: number };
  /** Via api or relay: messages accepted ÷ the time from the first start to the last accept. */
  acceptedPerSecond?: number;
  /**
   * Via relay: what the relay's clients' own process cost over the same window (not Mailroom's:
   * left out of the phase's CPU figures).
   */
  relayClients?: ResourceUsage;
  emulator: EmulatorDeltas;
  /** The pool settings actually used (for Mailroom: read back from lib's own transport). */
  pool: { maxConnections: number; maxMessages: number };
  /** The phase's own process: it enqueues (or sends, when bare with one process). */
  rss: { baselineBytes: number; peakBytes: number; samples: number };
  cpu: { userMs: number; systemMs: number };
  /** Share of the window the event loop was busy (1 = CPU-bound main thread). */
  eventLoopUtilization: number;
  /**
   * The whole machine's CPU over the phase's clock: every process, the emulator's and
   * PostgreSQL's server's included (null where Linux's /proc/stat is absent).
   */
  machine: MachineCpu | null;
  /** With workers > 1: each worker (Mailroom) or sender (bare) process, over the same window. */
  processes: ResourceUsage[];
  /** Mailroom only: how long each outbox claim() call took, over every worker. */
  claims?: LatencySummary;
  /** Emulator counter deltas of each account over the window: max and mean over the accounts. */
  perAccount: { refreshes: Spread; auths: Spread };
  /**
   * SMTP connections the emulator still had open at the end: read at once when the window ends
   * (waitedMs null), or after waiting up to 75 s for them to close (waitedMs: how long it took).
   */
  openSmtp: { open: number; waitedMs: number | null };
  mailbox: { received: number; distinctMessageIds: number; meanSizeBytes: number };
  correctness: { ok: boolean; problems: string[] };
}

/** Where the history benchmark seeds and reads: SQLite files, or databases on a PostgreSQL server. */
export type HistoryDb = BenchDb;

/** The history page's benchmark (bench/history-phase.ts), passed like a PhaseSpec. */
export interface HistorySpec {
  kind: "history";
  db: HistoryDb;
  /** PostgreSQL only: the server's URL; each history gets a database of its own, dropped after. */
  postgresUrl?: string;
  /** The owner's messages in each history, smallest first: the baseline, then the large one. */
  sizes: number[];
  /** Timed loads of each page of each history. */
  samples: number;
}

/** One history's figures: how long seeding took and what each page load cost. */
export interface HistorySizeResult {
  messages: number;
  otherMessages: number;
  seedSeconds: number;
  databaseBytes: number;
  /** The newest 50 messages. */
  firstPage: LatencySummary;
  /** The 50 after the message 90% of the way down the owner's history, through the cursor. */
  deepPage: LatencySummary;
  deepPosition: number;
  /** The first page of each search of bench/history-phase.ts's list (HISTORY_SEARCHES). */
  searches: HistorySearchResult[];
}

export interface HistorySearchResult {
  label: string;
  query: string;
  /** Messages on the search's first page. */
  found: number;
  latency: LatencySummary;
}

export interface HistoryResult {
  spec: HistorySpec;
  sizes: HistorySizeResult[];
  correctness: { ok: boolean; problems: string[] };
}
