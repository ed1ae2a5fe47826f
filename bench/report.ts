// Turns the phases' results into the printed table (or JSON) with ratios against the bare run,
// and the history benchmark's into its table with the large history's time against the small's.
import { postgresTarget } from "../lib/database-url";
import type { BenchOptions } from "./bench-options";
import type { MachineCpu } from "./machine-cpu";
import type {
  HistoryResult,
  LatencySummary,
  PhaseKind,
  PhaseResult,
  PhaseSpec,
} from "./phase-types";
import { HISTORY_TARGET_RATIO, judgeHistorySearch, judgeTargets, type Verdict } from "./targets";

export interface RatioSummary {
  concurrency: number;
  /** Mailroom msg/s ÷ bare msg/s of the same round, one per round. */
  ratios: number[];
  meanRatio: number;
}

export interface ReportRow extends PhaseResult {
  label: string;
  ratioToBare: number | null;
  /** The most a/b could be at this phase's machine CPU per message (cpuCeiling), or null. */
  cpuCeiling: number | null;
  /** CPU time of all the phase's measured processes (its own and its workers or senders). */
  totalCpuMs: number;
  /** The largest peak RSS of the phase's worker or sender processes (0 with --workers 1). */
  workerPeakRssBytes: number;
}

/** The server of a --db postgres run (never its URL, which may hold a password). */
export interface PostgresServer {
  /** host:port/database of BENCH_POSTGRES_URL (or TEST_POSTGRES_URL). */
  target: string;
  version: string;
  /** "on" or "off": with it off, nothing ANALYZEs the fresh database while the run fills it. */
  autovacuum: string;
}

export interface BenchReport {
  options: BenchOptions;
  server?: PostgresServer;
  results: ReportRow[];
  ratios: RatioSummary[];
  /**
   * --via relay: the forwarder's msg/s ÷ bare's, one per round — what a relay that cost nothing
   * beyond receiving and sending again would reach on this machine.
   */
  forwarderRatios: number[];
  /**
   * --db postgres: the minimal outbox's msg/s ÷ bare's, per worker concurrency — the least any
   * durable outbox on that server adds to bare.
   */
  minimalRatios: RatioSummary[];
  /** The targets this kind of run is about, with their verdicts. */
  targets: Verdict[];
  /** Phases whose process died before reporting. */
  crashed: string[];
  correct: boolean;
}

export function phaseLabel(spec: PhaseSpec): string {
  if (spec.kind === "bare") {
    return spec.workers === 1 ? "bare nodemailer" : `bare ${spec.workers} processes`;
  }
  if (spec.kind === "forwarder") return "forwarder (no outbox)";
  if (spec.kind === "minimal") return `minimal outbox ${spec.workers}×c=${spec.concurrency}`;
  const door = spec.via === "direct" ? "" : ` via ${spec.via}`;
  return spec.workers === 1
    ? `mailroom${door} c=${spec.concurrency}`
    : `mailroom${door} ${spec.workers}×c=${spec.concurrency}`;
}

const cpuMs = (u: { cpu: { userMs: number; systemMs: number } }) => u.cpu.userMs + u.cpu.systemMs;

/** Share of all the machine's cores that were busy over the window. */
const busyShare = (m: MachineCpu) => m.busyMs / (m.elapsedMs * m.cores);

/**
 * The ratio to this round's bare run that Mailroom's machine CPU per message allows at most:
 * with every core busy, cores × 1000 ÷ (CPU ms per message) messages a second.
 */
export function cpuCeiling(row: PhaseResult, bare: PhaseResult | undefined): number | null {
  if (row.spec.kind === "bare" || !bare || !row.machine || row.machine.busyMs <= 0) return null;
  const perMessageMs = row.machine.busyMs / row.spec.messages;
  return (row.machine.cores * 1000) / perMessageMs / bare.messagesPerSecond;
}

export function buildReport(
  options: BenchOptions,
  results: PhaseResult[],
  crashed: string[] = [],
  server?: PostgresServer,
): BenchReport {
  const bareOf = (round: number) =>
    results.find((r) => r.spec.kind === "bare" && r.spec.round === round);
  const rows = results.map((r): ReportRow => {
    const bare = bareOf(r.spec.round);
    const ratioToBare =
      r.spec.kind !== "bare" && bare ? r.messagesPerSecond / bare.messagesPerSecond : null;
    return {
      ...r,
      label: phaseLabel(r.spec),
      ratioToBare,
      cpuCeiling: cpuCeiling(r, bare),
      totalCpuMs: cpuMs(r) + r.processes.reduce((sum, p) => sum + cpuMs(p), 0),
      workerPeakRssBytes: Math.max(0, ...r.processes.map((p) => p.rss.peakBytes)),
    };
  });
  const mailroom = rows.filter((r) => r.spec.kind === "mailroom");
  const ratiosOf = (kind: PhaseKind) =>
    options.concurrency.map((concurrency) => {
      const list = rows
        .filter(
          (r) =>
            r.spec.kind === kind && r.spec.concurrency === concurrency && r.ratioToBare !== null,
        )
        .map((r) => r.ratioToBare ?? 0);
      return {
        concurrency,
        ratios: list,
        meanRatio: list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0,
      };
    });
  const ratios = ratiosOf("mailroom");
  const minimalRatios = ratiosOf("minimal").filter((r) => r.ratios.length > 0);
  const targets = judgeTargets(
    options,
    mailroom.map((r) => ({
      concurrency: r.spec.concurrency,
      messagesPerSecond: r.messagesPerSecond,
      ratioToBare: r.ratioToBare,
      peakRssBytes: Math.max(r.rss.peakBytes, r.workerPeakRssBytes),
      openSmtp: r.openSmtp.open,
      ...(r.spec.via === "direct"
        ? {}
        : { acceptP99Ms: r.enqueue?.p99Ms, acceptedPerSecond: r.acceptedPerSecond }),
    })),
  );
  const forwarderRatios = rows
    .filter((r) => r.spec.kind === "forwarder" && r.ratioToBare !== null)
    .map((r) => r.ratioToBare ?? 0);
  return {
    options,
    server,
    results: rows,
    ratios,
    forwarderRatios,
    minimalRatios,
    targets,
    crashed,
    correct: crashed.length === 0 && rows.every((r) => r.correctness.ok),
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const perK = (n: number, messages: number) => ((n / messages) * 1000).toFixed(1);
const ms = (summary: LatencySummary | undefined, key: "p50Ms" | "p99Ms") =>
  summary && summary.count > 0 ? summary[key].toFixed(1) : "-";

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

function openSmtpCell(openSmtp: PhaseResult["openSmtp"]): string {
  if (openSmtp.waitedMs === null) return `${openSmtp.open} at once`;
  return `${openSmtp.open} after ${(openSmtp.waitedMs / 1000).toFixed(1)} s`;
}

function describeRun(options: BenchOptions): string {
  const engine = options.db === "postgres" ? "PostgreSQL" : "SQLite";
  const processes =
    options.workers === 1
      ? `Mailroom's worker in the measured process (outbox on ${engine}), bare nodemailer from one process`
      : `the measured process enqueues while ${options.workers} worker processes send (outbox on ${engine}), ` +
        `against ${options.workers} bare sender processes each sending 1/${options.workers}`;
  return (
    `Mailroom sending benchmark: ${options.messages} messages over ${options.accounts} accounts ` +
    `(~${options.bodyBytes} B bodies); ${processes}; ` +
    `emulator ${options.emulator === "separate" ? "in its own process" : "in the measured process"} on implicit TLS with a verified CA` +
    (options.gmailLatencyMs ? ` holding each DATA reply ${options.gmailLatencyMs} ms; ` : "; ") +
    intakeLine(options) +
    `${options.rounds} round(s), ` +
    `odd rounds bare first, even rounds Mailroom first; every phase in a fresh process, ` +
    `emulator and database.`
  );
}

function intakeLine(options: BenchOptions): string {
  if (options.via === "api") {
    return (
      `Mailroom's messages POSTed to /api/v1/messages (the route handler called in the phase's ` +
      `process) at ${options.apiRate} requests/s on a fixed schedule, a key per sender, each ` +
      `key used once before the clock (a message scheduled a year ahead, deleted before the clock), ` +
      `"enq" = accept latency from each request's scheduled start to its 202; `
    );
  }
  if (options.via === "relay") {
    return (
      `Mailroom's messages sent to its SMTP relay on loopback by the relay's clients in a process ` +
      `of their own (as a legacy app is another program; their CPU is not Mailroom's), one pooled ` +
      `nodemailer transport per sender (AUTH with its key), as many in flight as the pool has ` +
      `connections, "enq" = sendMail to the relay's 250; each round also runs the forwarder: ` +
      `the same clients submitting to a plain smtp-server that hands each message straight to ` +
      `bare's transports (no outbox, no checks, nothing kept); `
    );
  }
  return (
    `enqueue in bursts of ${options.burst}; ` +
    (options.db === "postgres"
      ? `each round also runs the minimal outbox: the same messages through the plainest durable ` +
        `outbox in plain SQL on the same server, with as many worker processes and lanes; `
      : "")
  );
}

export function formatReport(report: BenchReport): string {
  const { options } = report;
  const out: string[] = [describeRun(options)];
  if (report.server) {
    const { target, version, autovacuum } = report.server;
    out.push(
      `PostgreSQL ${version} on ${target}, autovacuum ${autovacuum}` +
        (options.analyze
          ? "; each Mailroom phase's database ANALYZEd once its senders were seeded."
          : autovacuum === "off"
            ? ": nothing ANALYZEs the phase's fresh database while the run fills it, so the planner " +
              "has no statistics for its tables and plans the outbox's queries on default estimates."
            : "."),
    );
  }
  out.push("");
  const header = [
    "round",
    "phase",
    "msg/s",
    "secs",
    "a/b",
    "enq p50 ms",
    "enq p99 ms",
    "claim p50 ms",
    "claim p99 ms",
    "refresh/1k",
    "AUTH/1k",
    "SMTP conns",
    "AUTH/conn",
    "CPU ms/msg",
    "correct",
  ];
  const body = report.results.map((r) => [
    String(r.spec.round),
    r.label,
    r.messagesPerSecond.toFixed(0),
    (r.durationMs / 1000).toFixed(2),
    r.ratioToBare === null ? "-" : r.ratioToBare.toFixed(2),
    ms(r.enqueue, "p50Ms"),
    ms(r.enqueue, "p99Ms"),
    ms(r.claims, "p50Ms"),
    ms(r.claims, "p99Ms"),
    perK(r.emulator.refreshes, r.spec.messages),
    perK(r.emulator.auths, r.spec.messages),
    String(r.emulator.smtpConnections),
    r.emulator.smtpConnections ? (r.emulator.auths / r.emulator.smtpConnections).toFixed(2) : "-",
    (r.totalCpuMs / r.spec.messages).toFixed(2),
    r.correctness.ok ? `ok ${r.mailbox.distinctMessageIds}` : "FAIL",
  ]);
  out.push(table(header, body), "");

  const multi = options.workers > 1;
  const perProcess = [
    "round",
    "phase",
    "refresh/acct max",
    "refresh/acct mean",
    "AUTH/acct max",
    "AUTH/acct mean",
    "SMTP open at end",
    "peak RSS main",
    ...(multi ? ["peak RSS workers max"] : []),
    "loop busy main",
    ...(multi ? ["loop busy workers max"] : []),
    "machine CPU ms/msg",
    "machine busy",
    "CPU ceiling a/b",
  ];
  const perProcessBody = report.results.map((r) => [
    String(r.spec.round),
    r.label,
    String(r.perAccount.refreshes.max),
    r.perAccount.refreshes.mean.toFixed(2),
    String(r.perAccount.auths.max),
    r.perAccount.auths.mean.toFixed(2),
    openSmtpCell(r.openSmtp),
    mb(r.rss.peakBytes),
    ...(multi ? [mb(r.workerPeakRssBytes)] : []),
    `${(r.eventLoopUtilization * 100).toFixed(0)}%`,
    ...(multi
      ? [`${(Math.max(0, ...r.processes.map((p) => p.eventLoopUtilization)) * 100).toFixed(0)}%`]
      : []),
    r.machine ? (r.machine.busyMs / r.spec.messages).toFixed(2) : "-",
    r.machine ? `${(busyShare(r.machine) * 100).toFixed(0)}%` : "-",
    r.cpuCeiling === null ? "-" : r.cpuCeiling.toFixed(2),
  ]);
  out.push(table(perProcess, perProcessBody), "");
  out.push(
    `main = the phase's own process: it enqueues (Mailroom) or sends (bare${multi ? ": starts the senders" : ""})` +
      (options.emulator === "separate" ? "" : ", and runs the emulator") +
      (multi ? "; workers = its worker (Mailroom) or sender (bare) processes" : "") +
      `. CPU ms/msg: all of them (${options.emulator === "separate" ? "the emulator's process not included" : "the emulator's share included"}), all threads. ` +
      `Claims: every outbox claim() call${multi ? " of every worker process" : ""}, empty ones included. ` +
      "Machine: every process on the machine over the phase's clock (the emulator, PostgreSQL's " +
      "server and the relay's clients included, and anything else running), from /proc/stat; busy = " +
      "share of all cores. CPU ceiling a/b: the most Mailroom could reach against this round's bare " +
      "run at the machine CPU it spent per message, were every core busy for it (cores ÷ machine " +
      "CPU per message ÷ bare's msg/s): below a target, the target needs less CPU per message, " +
      "not less waiting.",
    "",
  );

  out.push("Mailroom ÷ bare, per worker concurrency:");
  for (const r of report.ratios) {
    const reported = report.results.some(
      (x) => x.spec.kind === "mailroom" && x.spec.concurrency === r.concurrency,
    );
    const missing = reported ? "no bare phase to compare with" : "no Mailroom phase reported";
    out.push(
      `  c=${String(r.concurrency).padEnd(3)} ${r.ratios.map((x) => x.toFixed(2)).join(", ")}` +
        (r.ratios.length ? `  mean ${r.meanRatio.toFixed(2)}` : `  ${missing}`),
    );
  }
  if (report.forwarderRatios.length > 0) {
    const list = report.forwarderRatios;
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    out.push(
      `Forwarder ÷ bare (a plain smtp-server handing each message straight to bare's transports, ` +
        `no outbox: the most any relay reaches here): ${list.map((x) => x.toFixed(2)).join(", ")}` +
        `  mean ${mean.toFixed(2)}`,
    );
  }
  if (report.minimalRatios.length > 0) {
    out.push(
      "Minimal outbox ÷ bare (the plainest durable outbox on the same server: no Prisma, events, " +
        "search terms, limits or account locks; the least any outbox there adds to bare):",
    );
    for (const r of report.minimalRatios) {
      out.push(
        `  c=${String(r.concurrency).padEnd(3)} ${r.ratios.map((x) => x.toFixed(2)).join(", ")}` +
          `  mean ${r.meanRatio.toFixed(2)}`,
      );
    }
  }
  out.push("");
  if (report.targets.length === 0) {
    out.push("Targets: none is about this kind of run (bench/targets.ts).");
  } else {
    out.push("Targets:");
    for (const v of report.targets) {
      out.push(
        `  c=${String(v.concurrency).padEnd(3)} ${v.target}: ${v.measured}  ${v.meets ? "meets" : "misses"}`,
      );
    }
  }

  const sizes = report.results.map((r) => `${r.label}: ${r.mailbox.meanSizeBytes} B`);
  out.push("", `Mean message size at the emulator: ${[...new Set(sizes)].join("; ")}`);
  const pools = [
    ...new Set(
      report.results.map(
        (r) =>
          `${r.spec.kind}: maxConnections ${r.pool.maxConnections}, maxMessages ${r.pool.maxMessages}`,
      ),
    ),
  ];
  out.push(
    `Pool settings (Mailroom's read back from lib/mail/transport-pool): ${pools.join("; ")}`,
  );
  const enq = report.results.filter((r) => r.enqueue);
  if (enq.length) {
    out.push(
      `${options.via === "direct" ? "Enqueue" : `Accept (via ${options.via})`}: ${enq
        .map(
          (r) =>
            `r${r.spec.round} c=${r.spec.concurrency} all ${options.messages} in ${((r.enqueue?.totalMs ?? 0) / 1000).toFixed(2)} s, max ${r.enqueue?.maxMs.toFixed(0)} ms` +
            (r.acceptedPerSecond === undefined
              ? ""
              : `, ${r.enqueue?.count} accepted at ${r.acceptedPerSecond.toFixed(0)}/s`) +
            (r.relayClients
              ? ` (the clients' process: ${(cpuMs(r.relayClients) / options.messages).toFixed(2)} CPU ms/msg, loop ${(r.relayClients.eventLoopUtilization * 100).toFixed(0)}% busy)`
              : ""),
        )
        .join("; ")}`,
    );
  }
  const claims = report.results.filter((r) => r.claims && r.claims.count > 0);
  if (claims.length) {
    out.push(
      `Claims: ${claims
        .map(
          (r) =>
            `r${r.spec.round} c=${r.spec.concurrency} ${r.claims?.count} calls, mean ${r.claims?.meanMs.toFixed(1)} ms, max ${r.claims?.maxMs.toFixed(0)} ms`,
        )
        .join("; ")}`,
    );
  }
  out.push(
    `RSS baselines (main process, after setup, before the clock starts): ${report.results
      .map((r) => `${r.label} r${r.spec.round} ${mb(r.rss.baselineBytes)}`)
      .join("; ")}`,
  );

  out.push("");
  if (report.correct) {
    out.push(
      `Correctness: every phase delivered exactly ${options.messages} distinct Message-IDs, none lost or duplicated.`,
    );
  } else {
    out.push("Correctness FAILED:");
    for (const c of report.crashed) out.push(`  ${c}`);
    for (const r of report.results.filter((x) => !x.correctness.ok)) {
      for (const p of r.correctness.problems) out.push(`  round ${r.spec.round} ${r.label}: ${p}`);
    }
  }
  return out.join("\n");
}

export interface HistoryReport {
  /** The result, its spec without the PostgreSQL URL (which may hold a password). */
  result: HistoryResult;
  /** PostgreSQL only: host:port/database of the server the histories were on. */
  server?: string;
  /** Median page load of the large history ÷ the baseline's, for each page. */
  ratios: { firstPage: number; deepPage: number };
  target: number;
  meetsTarget: boolean;
  /** The search target, judged on the large history. */
  search: Verdict;
  correct: boolean;
}

export function buildHistoryReport(result: HistoryResult): HistoryReport {
  const baseline = result.sizes[0];
  const large = result.sizes.at(-1);
  const ratio = (page: "firstPage" | "deepPage") =>
    baseline && large ? large[page].p50Ms / baseline[page].p50Ms : 0;
  const ratios = { firstPage: ratio("firstPage"), deepPage: ratio("deepPage") };
  const { postgresUrl, ...spec } = result.spec;
  return {
    result: { ...result, spec },
    server: postgresUrl ? postgresTarget(postgresUrl) : undefined,
    ratios,
    target: HISTORY_TARGET_RATIO,
    meetsTarget: Math.max(ratios.firstPage, ratios.deepPage) <= HISTORY_TARGET_RATIO,
    search: judgeHistorySearch(
      large?.messages ?? 0,
      (large?.searches ?? []).map((s) => ({ label: s.label, p95Ms: s.latency.p95Ms })),
    ),
    correct: result.correctness.ok,
  };
}

const count = (n: number) => n.toLocaleString("en-US");
const p50p95 = (s: LatencySummary) => `${s.p50Ms.toFixed(2)} / ${s.p95Ms.toFixed(2)}`;

export function formatHistoryReport(report: HistoryReport): string {
  const { spec, sizes } = report.result;
  const out: string[] = [
    `History page server time: readMessagePage (the history page's read), ` +
      `${report.server ? `PostgreSQL on ${report.server}` : "SQLite"}; every history in a fresh database, ` +
      `other users' messages (10% as many) interleaved with the owner's; ${spec.samples} timed ` +
      `loads of each page, the histories taking turns ten at a time.`,
    "",
  ];
  const header = [
    "messages",
    "others",
    "seed s",
    "database",
    "first page p50 / p95 ms",
    "deep page p50 / p95 ms",
    "deep page after",
  ];
  const body = sizes.map((s) => [
    count(s.messages),
    count(s.otherMessages),
    s.seedSeconds.toFixed(1),
    mb(s.databaseBytes),
    p50p95(s.firstPage),
    p50p95(s.deepPage),
    `message ${count(s.deepPosition)}`,
  ]);
  out.push(table(header, body), "");
  const verdict = report.meetsTarget ? "meets target" : "misses target";
  out.push(
    `${count(sizes.at(-1)?.messages ?? 0)} ÷ ${count(sizes[0]?.messages ?? 0)} messages, ` +
      `median (target ≤ ${report.target}): first page ${report.ratios.firstPage.toFixed(2)}, ` +
      `deep page ${report.ratios.deepPage.toFixed(2)}  ${verdict}`,
    "",
  );
  const searchHeader = [
    "search",
    "query",
    ...sizes.map((s) => `${count(s.messages)}: p50 / p95 ms`),
  ];
  const searchBody = (sizes.at(-1)?.searches ?? []).map((search, i) => [
    search.label,
    `"${search.query}" (${search.found} on the first page)`,
    ...sizes.map((s) => (s.searches[i] ? p50p95(s.searches[i].latency) : "-")),
  ]);
  out.push(
    "Search, first page (readMessagePage with a query):",
    table(searchHeader, searchBody),
    "",
    `${report.search.target}: ${report.search.measured}  ` +
      `${report.search.meets ? "meets target" : "misses target"}`,
    "",
  );
  if (report.correct) {
    out.push("Correctness: every page held the owner's messages it should, in order.");
  } else {
    out.push("Correctness FAILED:", ...report.result.correctness.problems.map((p) => `  ${p}`));
  }
  return out.join("\n");
}
