// Turns the phases' results into the printed table (or JSON) with ratios against the bare run,
// and the history benchmark's into its table with the large history's time against the small's.
import { postgresTarget } from "../lib/database-url";
import type { BenchOptions } from "./bench-options";
import type { HistoryResult, LatencySummary, PhaseResult } from "./phase-types";

export interface RatioSummary {
  concurrency: number;
  /** Mailroom msg/s ÷ bare msg/s of the same round, one per round. */
  ratios: number[];
  meanRatio: number;
}

export interface BenchReport {
  options: BenchOptions;
  results: (PhaseResult & { label: string; ratioToBare: number | null })[];
  ratios: RatioSummary[];
  target: number;
  /** Phases whose process died before reporting. */
  crashed: string[];
  correct: boolean;
}

export const TARGET_RATIO = 0.8;

function label(r: PhaseResult): string {
  return r.spec.kind === "bare" ? "bare nodemailer" : `mailroom c=${r.spec.concurrency}`;
}

export function buildReport(
  options: BenchOptions,
  results: PhaseResult[],
  crashed: string[] = [],
): BenchReport {
  const bareOf = (round: number) =>
    results.find((r) => r.spec.kind === "bare" && r.spec.round === round);
  const rows = results.map((r) => {
    const bare = bareOf(r.spec.round);
    const ratioToBare =
      r.spec.kind === "mailroom" && bare ? r.messagesPerSecond / bare.messagesPerSecond : null;
    return { ...r, label: label(r), ratioToBare };
  });
  const ratios = options.concurrency.map((concurrency) => {
    const list = rows
      .filter((r) => r.spec.kind === "mailroom" && r.spec.concurrency === concurrency)
      .map((r) => r.ratioToBare ?? 0);
    return {
      concurrency,
      ratios: list,
      meanRatio: list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0,
    };
  });
  return {
    options,
    results: rows,
    ratios,
    target: TARGET_RATIO,
    crashed,
    correct: crashed.length === 0 && rows.every((r) => r.correctness.ok),
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const perK = (n: number, messages: number) => ((n / messages) * 1000).toFixed(1);

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function formatReport(report: BenchReport): string {
  const { options } = report;
  const out: string[] = [];
  out.push(
    `Mailroom sending benchmark: ${options.messages} messages over ${options.accounts} accounts ` +
      `(~${options.bodyBytes} B bodies), emulator ${options.emulator === "separate" ? "in its own process" : "in the measured process"} on implicit TLS with a verified CA` +
      (options.gmailLatencyMs ? ` holding each DATA reply ${options.gmailLatencyMs} ms; ` : "; ") +
      `enqueue in bursts of ${options.burst}; ${options.rounds} round(s), ` +
      `odd rounds bare first, even rounds Mailroom first; every phase in a fresh process, ` +
      `emulator and database.`,
    "",
  );
  const header = [
    "round",
    "phase",
    "msg/s",
    "secs",
    "a/b",
    "enq p50 ms",
    "enq p99 ms",
    "refresh/1k",
    "AUTH/1k",
    "SMTP conns",
    "AUTH/conn",
    "peak RSS",
    "CPU ms/msg",
    "loop busy",
    "correct",
  ];
  const body = report.results.map((r) => [
    String(r.spec.round),
    r.label,
    r.messagesPerSecond.toFixed(0),
    (r.durationMs / 1000).toFixed(2),
    r.ratioToBare === null ? "-" : r.ratioToBare.toFixed(2),
    r.enqueue ? r.enqueue.p50Ms.toFixed(1) : "-",
    r.enqueue ? r.enqueue.p99Ms.toFixed(1) : "-",
    perK(r.emulator.refreshes, r.spec.messages),
    perK(r.emulator.auths, r.spec.messages),
    String(r.emulator.smtpConnections),
    r.emulator.smtpConnections ? (r.emulator.auths / r.emulator.smtpConnections).toFixed(2) : "-",
    mb(r.rss.peakBytes),
    ((r.cpu.userMs + r.cpu.systemMs) / r.spec.messages).toFixed(2),
    `${(r.eventLoopUtilization * 100).toFixed(0)}%`,
    r.correctness.ok ? `ok ${r.mailbox.distinctMessageIds}` : "FAIL",
  ]);
  out.push(table(header, body), "");

  out.push(`Mailroom ÷ bare (target ≥ ${report.target}), per worker concurrency:`);
  for (const r of report.ratios) {
    const verdict = r.meanRatio >= report.target ? "meets target" : "below target";
    out.push(
      `  c=${String(r.concurrency).padEnd(3)} ${r.ratios.map((x) => x.toFixed(2)).join(", ")}` +
        `  mean ${r.meanRatio.toFixed(2)}  ${verdict}`,
    );
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
      `Enqueue: ${enq
        .map(
          (r) =>
            `r${r.spec.round} c=${r.spec.concurrency} all ${options.messages} in ${((r.enqueue?.totalMs ?? 0) / 1000).toFixed(2)} s, max ${r.enqueue?.maxMs.toFixed(0)} ms`,
        )
        .join("; ")}`,
    );
  }
  out.push(
    `RSS baselines (after setup, before the clock starts): ${report.results
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
  correct: boolean;
}

export const HISTORY_TARGET_RATIO = 1.5;

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
  if (report.correct) {
    out.push("Correctness: every page held the owner's messages it should, in order.");
  } else {
    out.push("Correctness FAILED:", ...report.result.correctness.problems.map((p) => `  ${p}`));
  }
  return out.join("\n");
}
