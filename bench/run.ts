// `npm run bench`: Mailroom's outbox (enqueue → worker → pooled XOAUTH2 SMTP) against a bare
// nodemailer script, side by side against the Google emulator; or, with --history, the history
// page's server time on a long history against a short one. This parent only plans and
// reports; each phase runs in a child (the sending ones trust the emulator's CA through
// NODE_EXTRA_CA_CERTS).
import path from "node:path";
import { loadOrCreateCa } from "../emulator/ca-store";
import { Client } from "pg";
import { postgresTarget } from "../lib/database-url";
import { createTestPostgresDatabase } from "../tests/support/test-postgres";
import { runComposeJs } from "./compose-js";
import { HISTORY_BASELINE, parseBenchOptions, USAGE, type BenchOptions } from "./bench-options";
import type { HistoryResult, HistorySpec, PhaseResult, PhaseSpec } from "./phase-types";
import {
  buildHistoryReport,
  buildReport,
  formatHistoryReport,
  formatReport,
  phaseLabel,
  type PostgresServer,
} from "./report";
import { spawnHistoryPhase, spawnPhase } from "./spawn-phase";
import { runBigMessageBench } from "./big-message";

function plan(options: BenchOptions, ca: { certFile: string; keyFile: string }): PhaseSpec[] {
  const specs: PhaseSpec[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const base = {
      round,
      messages: options.messages,
      accounts: options.accounts,
      bodyBytes: options.bodyBytes,
      gmailLatencyMs: options.gmailLatencyMs,
      emulator: options.emulator,
      burst: options.burst,
      via: options.via,
      apiRate: options.apiRate,
      db: options.db,
      workers: options.workers,
      waitForIdle: options.waitForIdle,
      analyze: options.analyze,
      caCertFile: ca.certFile,
      caKeyFile: ca.keyFile,
    };
    const bare: PhaseSpec = { ...base, kind: "bare", concurrency: 0 };
    const mailroom = options.concurrency.map((concurrency): PhaseSpec => ({
      ...base,
      kind: "mailroom",
      concurrency,
    }));
    // Through the relay, also the least any relay costs: what Mailroom's relay could reach.
    if (options.via === "relay") mailroom.push({ ...base, kind: "forwarder", concurrency: 0 });
    // On PostgreSQL, also the plainest durable outbox: the least any outbox there adds to bare.
    if (options.db === "postgres" && options.via === "direct") {
      for (const concurrency of options.concurrency) {
        mailroom.push({ ...base, kind: "minimal", concurrency });
      }
    }
    // Alternate the order so warm-up or drift favours neither side.
    specs.push(...(round % 2 === 1 ? [bare, ...mailroom] : [...mailroom.reverse(), bare]));
  }
  return specs;
}

const postgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;

/** False (after saying why) when --db postgres has no server to use. */
function postgresReady(options: BenchOptions): boolean {
  if (options.db === "sqlite" || postgresUrl) return true;
  console.error(
    "--db postgres needs a PostgreSQL server: set BENCH_POSTGRES_URL (or TEST_POSTGRES_URL), " +
      "e.g. postgresql://postgres@127.0.0.1:5432/postgres",
  );
  return false;
}

/**
 * One sending phase in its child. A Mailroom phase on PostgreSQL, and the minimal outbox phase,
 * get a fresh migrated database,
 * made here and dropped here once the child has exited, whether it succeeded, failed or died.
 */
async function runPhase(spec: PhaseSpec, cpuProfDir?: string): Promise<PhaseResult> {
  const ownDatabase =
    spec.kind === "minimal" || (spec.kind === "mailroom" && spec.db === "postgres");
  if (!ownDatabase) return spawnPhase(spec, cpuProfDir);
  const database = await createTestPostgresDatabase({ baseUrl: postgresUrl });
  try {
    return await spawnPhase(spec, cpuProfDir, { BENCH_DATABASE_URL: database.url });
  } finally {
    await database.drop();
  }
}

async function runHistory(options: BenchOptions): Promise<number> {
  if (!postgresReady(options)) return 2;
  const spec: HistorySpec = {
    kind: "history",
    db: options.db,
    postgresUrl: options.db === "postgres" ? postgresUrl : undefined,
    sizes: [HISTORY_BASELINE, options.historyMessages],
    samples: options.historySamples,
  };
  let result: HistoryResult;
  try {
    result = await spawnHistoryPhase(spec, options.cpuProfDir);
  } catch (error) {
    console.error(`history: FAILED: ${(error as Error).message}`);
    return 1;
  }
  const report = buildHistoryReport(result);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatHistoryReport(report));
  return report.correct ? 0 : 1;
}

/** What the report says of the PostgreSQL server (its settings bear on the outbox's plans). */
async function describePostgres(baseUrl: string): Promise<PostgresServer> {
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; autovacuum: string }>(
      "SELECT current_setting('server_version') AS version, current_setting('autovacuum') AS autovacuum",
    );
    return {
      target: postgresTarget(baseUrl),
      version: rows[0]?.version ?? "?",
      autovacuum: rows[0]?.autovacuum ?? "?",
    };
  } finally {
    await client.end();
  }
}

async function runSending(options: BenchOptions): Promise<number> {
  if (!postgresReady(options)) return 2;
  const server =
    options.db === "postgres" && postgresUrl ? await describePostgres(postgresUrl) : undefined;
  const ca = await loadOrCreateCa(path.join(import.meta.dirname, "..", "data", "bench-ca"));
  const results: PhaseResult[] = [];
  const crashed: string[] = [];
  for (const spec of plan(options, ca)) {
    const name = phaseLabel(spec);
    process.stderr.write(`round ${spec.round}: ${name}… `);
    try {
      const result = await runPhase(spec, options.cpuProfDir);
      process.stderr.write(
        `${result.messagesPerSecond.toFixed(0)} msg/s${result.correctness.ok ? "" : " (INCORRECT)"}\n`,
      );
      results.push(result);
    } catch (error) {
      // A phase that died proves nothing either way; the others still run and are reported.
      process.stderr.write(`FAILED: ${(error as Error).message}\n`);
      crashed.push(`round ${spec.round} ${name}: ${(error as Error).message}`);
    }
  }

  const report = buildReport(options, results, crashed, server);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.correct ? 0 : 1;
}

let options: BenchOptions | "help";
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === "help") {
  console.log(USAGE);
  process.exit(0);
}

process.exitCode = options.bigMessage
  ? await runBigMessageBench(options)
  : options.composeJs
    ? runComposeJs({ json: options.json })
    : options.history
      ? await runHistory(options)
      : await runSending(options);
