// The benchmark's targets, and which runs each is about. A sending target is judged only on a
// run of its kind; its verdict is "meets" or "misses", per worker concurrency tried.
import type { BenchDb, BenchVia } from "./phase-types";

export const TARGETS = {
  /** SQLite, one worker (the default `npm run bench`): Mailroom ÷ bare, mean over rounds. */
  sqliteRatio: 0.9,
  /** PostgreSQL with this many worker processes against as many bare sender processes. */
  postgresWorkers: 4,
  postgresRatio: 0.8,
  /** Runs with at least this many accounts, either engine, any number of workers. */
  accounts: 1000,
  accountsMessagesPerSecond: 250,
  accountsPeakRssBytes: 500 * 2 ** 20,
  /** Idle pooled SMTP connections closed: none open at the end (after waiting up to 75 s). */
  accountsOpenSmtp: 0,
  /** --via api on SQLite: accept p99 at (at least) this offered rate, requests/s. */
  apiRate: 200,
  apiAcceptP99Ms: 50,
  /** The achieved accept rate must reach this share of the offered one for the p99 to count. */
  apiAchievedShare: 0.95,
  /** --via relay: end to end through the relay ÷ bare, mean over rounds. */
  relayRatio: 0.7,
} as const;

/** The history page (--history): the long history's median page time ÷ the short one's. */
export const HISTORY_TARGET_RATIO = 1.5;

export interface RunKind {
  db: BenchDb;
  workers: number;
  accounts: number;
  via: BenchVia;
  /** --via api: requests offered per second. */
  apiRate: number;
}

/** One Mailroom phase's figures the targets judge. */
export interface MailroomFigures {
  concurrency: number;
  messagesPerSecond: number;
  /** ÷ the bare run of the same round; null when that bare phase did not report. */
  ratioToBare: number | null;
  /** The largest peak RSS of any of the phase's processes. */
  peakRssBytes: number;
  /** The emulator's open SMTP connections at the end. */
  openSmtp: number;
  /** Via api or relay: the accept latency's p99 (ms), and accepts per second achieved. */
  acceptP99Ms?: number;
  acceptedPerSecond?: number;
}

export interface Verdict {
  target: string;
  concurrency: number;
  measured: string;
  meets: boolean;
}

/** Runs with this many accounts wait for idle connections to close: a target judges it. */
export function accountsTargetApplies(kind: RunKind): boolean {
  return kind.accounts >= TARGETS.accounts;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function ratioVerdict(target: string, min: number, concurrency: number, phases: MailroomFigures[]) {
  const ratios = phases.map((p) => p.ratioToBare).filter((r): r is number => r !== null);
  if (ratios.length === 0) {
    return { target, concurrency, measured: "no bare phase to compare with", meets: false };
  }
  // Judged as printed, to two places, so the verdict never contradicts the figure beside it.
  const value = mean(ratios).toFixed(2);
  return {
    target,
    concurrency,
    measured: `mean ${value} (${ratios.map((r) => r.toFixed(2)).join(", ")})`,
    meets: Number(value) >= min,
  };
}

/**
 * The API's accept p99 at the offered rate: judged on the worst round, whole ms as printed to
 * one place, and only when the accepts kept up with the offered rate (a p99 at a lower rate
 * says nothing of 200 requests/s).
 */
function apiVerdict(concurrency: number, phases: MailroomFigures[]): Verdict {
  const target =
    `SQLite: API accept p99 ≤ ${TARGETS.apiAcceptP99Ms} ms at ${TARGETS.apiRate} requests/s ` +
    `(achieved ≥ ${TARGETS.apiAchievedShare * 100}% of it)`;
  const p99s = phases.map((p) => p.acceptP99Ms).filter((v): v is number => v !== undefined);
  const rates = phases.map((p) => p.acceptedPerSecond).filter((v): v is number => v !== undefined);
  if (p99s.length === 0 || rates.length === 0) {
    return { target, concurrency, measured: "no accept latencies", meets: false };
  }
  const p99 = Number(Math.max(...p99s).toFixed(1));
  const rate = Math.round(Math.min(...rates));
  return {
    target,
    concurrency,
    measured: `worst p99 ${p99.toFixed(1)} ms, lowest achieved ${rate} requests/s`,
    meets: p99 <= TARGETS.apiAcceptP99Ms && rate >= TARGETS.apiRate * TARGETS.apiAchievedShare,
  };
}

/** The verdict of every target this kind of run is about, per concurrency, in that order. */
export function judgeTargets(kind: RunKind, phases: MailroomFigures[]): Verdict[] {
  const verdicts: Verdict[] = [];
  const concurrencies = [...new Set(phases.map((p) => p.concurrency))];
  for (const concurrency of concurrencies) {
    const of = phases.filter((p) => p.concurrency === concurrency);
    if (kind.via === "api") {
      if (kind.db === "sqlite" && kind.apiRate >= TARGETS.apiRate) {
        verdicts.push(apiVerdict(concurrency, of));
      }
      continue;
    }
    if (kind.via === "relay") {
      verdicts.push(
        ratioVerdict(
          `through the relay: Mailroom ÷ bare ≥ ${TARGETS.relayRatio}`,
          TARGETS.relayRatio,
          concurrency,
          of,
        ),
      );
      continue;
    }
    if (kind.db === "sqlite" && kind.workers === 1) {
      verdicts.push(
        ratioVerdict(
          `SQLite, one worker: Mailroom ÷ bare ≥ ${TARGETS.sqliteRatio}`,
          TARGETS.sqliteRatio,
          concurrency,
          of,
        ),
      );
    }
    if (kind.db === "postgres" && kind.workers === TARGETS.postgresWorkers) {
      verdicts.push(
        ratioVerdict(
          `PostgreSQL, ${TARGETS.postgresWorkers} worker processes: Mailroom ÷ bare with the same ` +
            `total lanes ≥ ${TARGETS.postgresRatio}`,
          TARGETS.postgresRatio,
          concurrency,
          of,
        ),
      );
    }
    if (accountsTargetApplies(kind)) {
      // Judged as printed, like the ratios: whole messages/s, whole MB.
      const rate = Math.round(mean(of.map((p) => p.messagesPerSecond)));
      const rssMb = Math.round(Math.max(...of.map((p) => p.peakRssBytes)) / 2 ** 20);
      const open = Math.max(...of.map((p) => p.openSmtp));
      verdicts.push(
        {
          target: `${kind.accounts} accounts: ≥ ${TARGETS.accountsMessagesPerSecond} messages/s`,
          concurrency,
          measured: `mean ${rate} msg/s`,
          meets: rate >= TARGETS.accountsMessagesPerSecond,
        },
        {
          target: `${kind.accounts} accounts: peak RSS ≤ ${mb(TARGETS.accountsPeakRssBytes)} per process`,
          concurrency,
          measured: `largest ${rssMb} MB`,
          meets: rssMb <= TARGETS.accountsPeakRssBytes / 2 ** 20,
        },
        {
          target: `${kind.accounts} accounts: idle pooled SMTP connections closed`,
          concurrency,
          measured: `${open} open at the end`,
          meets: open <= TARGETS.accountsOpenSmtp,
        },
      );
    }
  }
  return verdicts;
}

/** The history's search (--history): every timed search's p95 on the long history, ms. */
export const HISTORY_SEARCH_P95_MS = 200;

/** One timed search of the history: its label and its page loads' p95 (ms). */
export interface SearchFigures {
  label: string;
  p95Ms: number;
}

/**
 * The search target on the long history: judged on the slowest search's p95, to one place as
 * printed, so a search the target is about cannot hide behind a faster one.
 */
export function judgeHistorySearch(messages: number, searches: SearchFigures[]): Verdict {
  const target = `history search p95 ≤ ${HISTORY_SEARCH_P95_MS} ms with ${messages.toLocaleString("en-US")} messages`;
  if (searches.length === 0)
    return { target, concurrency: 1, measured: "no searches", meets: false };
  const slowest = searches.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
  const p95 = Number(slowest.p95Ms.toFixed(1));
  return {
    target,
    concurrency: 1,
    measured: `slowest p95 ${p95.toFixed(1)} ms (${slowest.label})`,
    meets: p95 <= HISTORY_SEARCH_P95_MS,
  };
}

/** The compose page's first-load JavaScript, gzipped, editor included (--compose-js), KB. */
export const COMPOSE_JS_TARGET_KB = 150;
