// The contract between the bench's parent (bench/run.ts) and the child that measures one phase.

export type PhaseKind = "bare" | "mailroom";

/** "in-process": the emulator shares the measured process; "separate": a process of its own. */
export type EmulatorMode = "in-process" | "separate";

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
  /** Mailroom only: worker lanes. */
  concurrency: number;
  /** Mailroom only: enqueues started together; the next burst starts when one finishes. */
  burst: number;
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
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface PhaseResult {
  spec: PhaseSpec;
  /** First send (bare) or first enqueue (mailroom) to the last 250 (bare) or last `sent` row. */
  durationMs: number;
  messagesPerSecond: number;
  /** Mailroom only: per-call latency of enqueueMessage, and how long enqueueing all took. */
  enqueue?: LatencySummary & { totalMs: number };
  emulator: EmulatorDeltas;
  /** The pool settings actually used (for Mailroom: read back from lib's own transport). */
  pool: { maxConnections: number; maxMessages: number };
  rss: { baselineBytes: number; peakBytes: number; samples: number };
  cpu: { userMs: number; systemMs: number };
  /** Share of the window the event loop was busy (1 = CPU-bound main thread). */
  eventLoopUtilization: number;
  mailbox: { received: number; distinctMessageIds: number; meanSizeBytes: number };
  correctness: { ok: boolean; problems: string[] };
}
