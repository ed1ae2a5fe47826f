// Command-line flags of `npm run bench`.
import { parseArgs } from "node:util";
import type { BenchDb, BenchVia, EmulatorMode } from "./phase-types";
import { accountsTargetApplies, COMPOSE_JS_TARGET_KB, TARGETS } from "./targets";

export interface BenchOptions {
  messages: number;
  accounts: number;
  rounds: number;
  concurrency: number[];
  burst: number;
  bodyBytes: number;
  gmailLatencyMs: number;
  emulator: EmulatorMode;
  /** 1: Mailroom's worker in the measured process; N: N worker (and bare sender) processes. */
  workers: number;
  /** Wait after the last send for the pools' idle connections to close (up to 75 s). */
  waitForIdle: boolean;
  /** PostgreSQL: ANALYZE each Mailroom phase's database after seeding, before the clock. */
  analyze: boolean;
  json: boolean;
  /** Directory for a V8 CPU profile of each phase (node --cpu-prof), or undefined. */
  cpuProfDir?: string;
  /** Run the history page's benchmark instead of the sending one. */
  history: boolean;
  /** Measure the memory to accept and send one 20 MB message instead. */
  bigMessage: boolean;
  /** Only measure the compose page's first-load JS from the production build. */
  composeJs: boolean;
  /** The large history's messages (the baseline has HISTORY_BASELINE). */
  historyMessages: number;
  historySamples: number;
  db: BenchDb;
  /** How Mailroom's phase takes messages in: enqueueMessage, the HTTP API, or the SMTP relay. */
  via: BenchVia;
  /** --via api: requests offered per second, on a fixed schedule. */
  apiRate: number;
}

/** --via api offers requests at this rate unless --api-rate says otherwise. */
export const DEFAULT_API_RATE = 200;

/** The small history the large one is compared with. */
export const HISTORY_BASELINE = 1000;

export const USAGE = `Usage: npm run bench -- [options]

  --messages N      messages per phase, spread evenly over the accounts (default 2000)
  --accounts N      Google accounts sending (default 4)
  --concurrency L   Mailroom worker lanes to try, comma-separated (default 8,16)
  --rounds N        rounds; odd rounds run bare first, even rounds Mailroom first (default 2)
  --burst N         enqueueMessage calls in flight together (default 20; 1 = sequential)
  --body-bytes N    approximate text body size of every message (default 2000)
  --gmail-latency-ms N
                    the emulator holds each DATA reply N ms, as Gmail takes time (default 0)
  --emulator MODE   in-process (default: the measured process also runs the emulator) or
                    separate (its own process, so it does not compete for the event loop)
  --db ENGINE       sqlite (default) or postgres: the outbox of every Mailroom phase on a fresh
                    database on BENCH_POSTGRES_URL's server (else TEST_POSTGRES_URL's), dropped
                    afterwards; postgres also runs the minimal outbox (the plainest durable
                    outbox in plain SQL) per concurrency, the most any outbox there reaches
  --analyze         with --db postgres: ANALYZE each Mailroom phase's fresh database once its
                    senders are seeded, before the clock starts (what autovacuum does, on a
                    server where it is on, for tables that have been there a while)
  --workers N       1 (default): Mailroom's worker runs in the measured process and bare sends
                    from one process; N: the measured process enqueues while N worker processes
                    send, against N bare sender processes each sending 1/N of the messages
  --wait-idle       after the last send, wait (up to 75 s) for the idle pooled SMTP connections
                    to close; always on with --accounts ≥ ${TARGETS.accounts}
  --via DOOR        how Mailroom's phase takes the messages in: direct (default: enqueueMessage
                    in bursts), api (POST /api/v1/messages with a key per sender, offered at
                    --api-rate requests/s on a fixed schedule) or relay (Mailroom's SMTP relay,
                    submitted to from a process of its own by one pooled nodemailer transport
                    per sender authenticated with its key; each round also runs the forwarder,
                    a plain smtp-server handing each message straight to bare's transports, the
                    most any relay reaches)
  --api-rate N      with --via api: requests offered per second (default ${DEFAULT_API_RATE})
  --json            print the figures as JSON instead of a table
  --cpu-prof DIR    write a V8 CPU profile of every phase's process into DIR

  --history         instead of sending, time the history page's server time with a history
                    of --history-messages against one of ${HISTORY_BASELINE} (target ≤ 1.5×)
  --history-messages N
                    messages in the large history (default 1000000)
  --history-samples N
                    timed loads of each page of each history (default 300)
  --db ENGINE       also for --history: a database per history

  --big-message     instead, the memory (RSS above idle) to accept and send one message of
                    about 20 MB, streamed through chunks, beside the old whole-in-the-row path
  --compose-js      instead of sending, print the compose page's first-load JavaScript (gzip)
                    from the production build (\`npm run build\` first), against ≤ ${COMPOSE_JS_TARGET_KB} KB
`;

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return n;
}

function nonNegativeInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0`);
  return n;
}

function benchDb(value: string): BenchDb {
  if (value === "sqlite" || value === "postgres") return value;
  throw new Error('--db must be "sqlite" or "postgres"');
}

function benchVia(value: string): BenchVia {
  if (value === "direct" || value === "api" || value === "relay") return value;
  throw new Error('--via must be "direct", "api" or "relay"');
}

function emulatorMode(value: string): EmulatorMode {
  if (value === "in-process" || value === "separate") return value;
  throw new Error('--emulator must be "in-process" or "separate"');
}

export function parseBenchOptions(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: "string", default: "2000" },
      accounts: { type: "string", default: "4" },
      concurrency: { type: "string", default: "8,16" },
      rounds: { type: "string", default: "2" },
      burst: { type: "string", default: "20" },
      "body-bytes": { type: "string", default: "2000" },
      "gmail-latency-ms": { type: "string", default: "0" },
      emulator: { type: "string", default: "in-process" },
      workers: { type: "string", default: "1" },
      "wait-idle": { type: "boolean", default: false },
      analyze: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      history: { type: "boolean", default: false },
      "big-message": { type: "boolean", default: false },
      "compose-js": { type: "boolean", default: false },
      "history-messages": { type: "string", default: "1000000" },
      "history-samples": { type: "string", default: "300" },
      db: { type: "string", default: "sqlite" },
      via: { type: "string", default: "direct" },
      "api-rate": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const options: BenchOptions = {
    messages: positiveInt("messages", values.messages),
    accounts: positiveInt("accounts", values.accounts),
    rounds: positiveInt("rounds", values.rounds),
    concurrency: values.concurrency.split(",").map((v) => positiveInt("concurrency", v.trim())),
    burst: positiveInt("burst", values.burst),
    bodyBytes: positiveInt("body-bytes", values["body-bytes"]),
    gmailLatencyMs: nonNegativeInt("gmail-latency-ms", values["gmail-latency-ms"]),
    emulator: emulatorMode(values.emulator),
    workers: positiveInt("workers", values.workers),
    waitForIdle: values["wait-idle"],
    analyze: values.analyze,
    json: values.json,
    cpuProfDir: values["cpu-prof"],
    history: values.history,
    bigMessage: values["big-message"],
    composeJs: values["compose-js"],
    historyMessages: positiveInt("history-messages", values["history-messages"]),
    historySamples: positiveInt("history-samples", values["history-samples"]),
    db: benchDb(values.db),
    via: benchVia(values.via),
    apiRate:
      values["api-rate"] === undefined
        ? DEFAULT_API_RATE
        : positiveInt("api-rate", values["api-rate"]),
  };
  options.waitForIdle ||= accountsTargetApplies(options);
  if (options.accounts > options.messages) throw new Error("--accounts must be ≤ --messages");
  if (options.analyze && (options.db !== "postgres" || options.history)) {
    throw new Error("--analyze applies to the sending phases with --db postgres");
  }
  if (options.via !== "direct" && options.history) {
    throw new Error("--via applies to the sending phases, not --history");
  }
  if (values["api-rate"] !== undefined && options.via !== "api") {
    throw new Error("--api-rate applies to --via api");
  }
  if (options.historyMessages < HISTORY_BASELINE) {
    throw new Error(`--history-messages must be ≥ ${HISTORY_BASELINE}, the baseline`);
  }
  return options;
}
