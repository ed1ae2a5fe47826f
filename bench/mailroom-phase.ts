// Phase (a): Mailroom itself. Every message goes through enqueueMessage (MIME built, one commit),
// or (--via) through the HTTP API or the SMTP relay (bench/intake.ts; the relay's clients in a
// process of their own),
// while lib's outbox worker claims and delivers them through lib's pooled XOAUTH2 transports:
// in this process, or (--workers N) in N worker processes while this one only enqueues.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { DEFAULT_CLIENT } from "../emulator";
import type { Db } from "../lib/db";
import { createTestDatabase } from "../tests/support/test-app-env";
import {
  emulatorDeltas,
  openSmtpAtEnd,
  perAccountDeltas,
  type BenchEmulator,
} from "./bench-emulator";
import { spawnBenchChild } from "./child-processes";
import { epochNow, type WorkerSettings } from "./child-protocol";
import { timeClaims } from "./claim-timer";
import { summarizeLatencies } from "./percentile";
import type { PhaseResult, PhaseSpec } from "./phase-types";
import { startResourceSampler, type ResourceUsage } from "./resource-sampler";
import { prepareIntake } from "./intake";
import { verifyDelivery } from "./verify-delivery";
import { STALL_MS, waitUntilAllSent } from "./wait-until-sent";
import { accountEmail, buildWorkload } from "./workload";

/** lib/env reads process.env once, on first use: this must run before any lib call. */
function configureMailroom(emu: BenchEmulator, databaseUrl: string): void {
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    NEXTAUTH_URL: "http://localhost:3000",
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    GOOGLE_CLIENT_ID: DEFAULT_CLIENT.clientId,
    GOOGLE_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    GOOGLE_ISSUER: emu.issuer,
    GMAIL_API_URL: emu.gmailApiUrl,
    SMTP_HOST: emu.smtp.host,
    SMTP_PORT: String(emu.smtp.securePort),
    SMTP_SECURE: "true",
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    MAILROOM_WORKER: "off",
    ALLOWED_DOMAINS: "gmail.example",
    // Mailroom's own limits must not be what is measured (their checks still run: raising a
    // limit does not change what a check costs).
    DAILY_LIMIT: "100000",
    WORKSPACE_DAILY_LIMIT: "100000",
    WORKSPACE_DAILY_RECIPIENT_LIMIT: "100000",
    SEND_RATE_PER_MINUTE: "0",
    USER_MAX_QUEUED: "1000000",
    USER_SEND_RATE_PER_MINUTE: "1000000",
    API_KEY_RATE_PER_MINUTE: "1000000",
  });
}

/** The outbox's database: a fresh SQLite file here, or the PostgreSQL one bench/run.ts made. */
function phaseDatabase(spec: PhaseSpec): { url: string; remove(): void } {
  if (spec.db === "postgres") {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) throw new Error("BENCH_DATABASE_URL is unset (bench/run.ts creates the database)");
    // Dropped by bench/run.ts once this process has exited, whatever became of it.
    return { url, remove: () => undefined };
  }
  const database = createTestDatabase();
  return {
    url: database.url,
    remove: () => rmSync(path.dirname(database.file), { recursive: true, force: true }),
  };
}

/** Senders seeded this many at a time (1,000 accounts would take long one by one). */
const SEED_BATCH = 50;

export async function runMailroomPhase(spec: PhaseSpec, emu: BenchEmulator): Promise<PhaseResult> {
  const database = phaseDatabase(spec);
  configureMailroom(emu, database.url);
  // Imported only now, after the environment is set, and only in this phase's process.
  const { db } = await import("../lib/db");
  const { closeAllTransports, transportFor } = await import("../lib/mail/transport-pool");
  const { seedSender } = await import("./seed-sender");

  const prisma = await db();
  const problems: string[] = [];
  let workers: Workers | undefined;
  let closeIntake: (() => Promise<void>) | undefined;
  try {
    const emails = Array.from({ length: spec.accounts }, (_, i) => accountEmail(i));
    const seeded: Awaited<ReturnType<typeof seedSender>>[] = [];
    const seeding = performance.now();
    for (let offset = 0; offset < emails.length; offset += SEED_BATCH) {
      const batch = emails.slice(offset, offset + SEED_BATCH);
      seeded.push(...(await Promise.all(batch.map((email) => seedSender(emu, email)))));
    }
    if (spec.accounts >= 100) {
      const seconds = ((performance.now() - seeding) / 1000).toFixed(1);
      process.stderr.write(`(${spec.accounts} senders seeded in ${seconds} s) `);
    }
    if (spec.analyze) {
      const analyzing = performance.now();
      await prisma.$executeRawUnsafe("ANALYZE");
      const seconds = ((performance.now() - analyzing) / 1000).toFixed(1);
      process.stderr.write(`(ANALYZE ${seconds} s) `);
    }
    const intake = await prepareIntake(
      spec,
      buildWorkload(spec),
      seeded.map((s) => ({ userId: s.user.id, email: s.account.email })),
    );
    closeIntake = () => intake.close();

    workers = await (spec.workers === 1 ? startWorkerHere : startWorkerProcesses)(spec);
    const warmUpRows = await intake.warmUp();
    if (warmUpRows.length > 0) {
      await prisma.message.deleteMany({ where: { id: { in: warmUpRows } } });
    }

    const before = await emu.stats();
    const accountsBefore = await emu.accountStats(emails);
    await emu.startCollecting();
    workers.begin();
    const sampler = startResourceSampler();
    const started = performance.now();
    const latencies: number[] = [];
    const submitted = await intake.submit(latencies, problems);
    // From another process: until its last answer, not until its report got here.
    const enqueuedMs = submitted
      ? submitted.endEpochMs - epochNow() + performance.now() - started
      : performance.now() - started;
    const finished = await waitUntilAllSent(emu, before.messages, spec.messages, () =>
      prisma.message.count({ where: { status: { not: "sent" } } }),
    );
    const ended = performance.now();
    const durationMs = ended - started;
    const usage = sampler.stop();
    const { processes, claimsMs } = await workers.finish();
    // The workers keep running (and their pools open) while the gauge is read or waited on.
    const openSmtp = await openSmtpAtEnd(emu, spec.waitForIdle, ended);

    const account0 = seeded[0]?.account;
    const pool = account0
      ? poolOptions(transportFor(account0.id, account0.email, { version: "smtp_oauth:0" }))
      : undefined;
    await closeIntake();
    closeIntake = undefined;
    await workers.stop();
    workers = undefined;
    closeAllTransports();
    const received = await emu.stopCollecting();
    const after = await emu.stats();
    const accountsAfter = await emu.accountStats(emails);
    if (!finished) problems.push(`the outbox stopped moving for ${STALL_MS / 1000} s`);

    problems.push(...(await checkOutbox(prisma, spec.messages)));
    const rows = await prisma.message.findMany({
      where: { status: "sent" },
      select: { messageIdHeader: true, fromAddress: true },
    });
    const sent = new Map(rows.map((r) => [r.messageIdHeader.replace(/^<|>$/g, ""), r.fromAddress]));
    const delivery = verifyDelivery(spec.messages, sent, received);
    problems.push(...delivery.problems);

    return {
      spec,
      durationMs,
      messagesPerSecond: (spec.messages / durationMs) * 1000,
      enqueue: { ...summarizeLatencies(latencies), totalMs: enqueuedMs },
      ...(spec.via === "direct"
        ? {}
        : { acceptedPerSecond: (latencies.length / enqueuedMs) * 1000 }),
      ...(submitted ? { relayClients: submitted.clientUsage } : {}),
      emulator: emulatorDeltas(before, after),
      pool: pool ?? { maxConnections: 0, maxMessages: 0 },
      ...usage,
      processes,
      claims: summarizeLatencies(claimsMs),
      perAccount: perAccountDeltas(accountsBefore, accountsAfter),
      openSmtp,
      mailbox: delivery.mailbox,
      correctness: { ok: problems.length === 0, problems: problems.slice(0, 20) },
    };
  } finally {
    await closeIntake?.().catch(() => undefined);
    workers?.kill();
    await prisma.$disconnect();
    database.remove();
  }
}

/** Mailroom's workers for one phase: lib's worker in this process, or N processes of it. */
interface Workers {
  /** The clock starts: claims and (worker processes) usage are measured from now. */
  begin(): void;
  /** The window is over: each worker process's usage, and every claim's duration. */
  finish(): Promise<{ processes: ResourceUsage[]; claimsMs: number[] }>;
  /** Drains the workers and closes their transports. */
  stop(): Promise<void>;
  /** After a failure: ends worker processes at once. */
  kill(): void;
}

/** --workers 1: lib's worker in this process, as the bench always ran it. */
async function startWorkerHere(spec: PhaseSpec): Promise<Workers> {
  const { outbox } = await import("../lib/outbox/open-outbox");
  const { startWorker } = await import("../lib/sending/worker");
  const claims = timeClaims(await outbox());
  const worker = await startWorker({
    concurrency: spec.concurrency,
    log: (line) => {
      if (!line.includes("started")) process.stderr.write(`${line}\n`);
    },
  });
  return {
    begin: () => claims.reset(),
    finish: () => Promise.resolve({ processes: [], claimsMs: claims.take() }),
    stop: () => worker.stop(),
    kill: () => undefined,
  };
}

/** --workers N: N processes each running lib's worker (bench/worker-child.ts) on this database. */
async function startWorkerProcesses(spec: PhaseSpec): Promise<Workers> {
  const children = Array.from({ length: spec.workers }, (_, index) => {
    const settings: WorkerSettings = { index, concurrency: spec.concurrency };
    return spawnBenchChild("worker-child.ts", `worker ${index}`, {
      BENCH_WORKER: JSON.stringify(settings),
    });
  });
  const kill = () => children.forEach((child) => child.kill());
  try {
    await Promise.all(children.map((child) => child.next("ready")));
  } catch (error) {
    kill();
    throw error;
  }
  return {
    begin: () => children.forEach((child) => child.send({ type: "start" })),
    async finish() {
      children.forEach((child) => child.send({ type: "finish" }));
      const replies = await Promise.all(children.map((child) => child.next("usage")));
      return {
        processes: replies.map((r) => r.usage),
        claimsMs: replies.flatMap((r) => r.claimsMs),
      };
    },
    async stop() {
      children.forEach((child) => child.send({ type: "stop" }));
      await Promise.all(children.map((child) => child.next("stopped")));
      await Promise.all(children.map((child) => child.exited));
    },
    kill,
  };
}

/** Every row sent on its first attempt, with its queued → attempt → sent timeline. */
async function checkOutbox(prisma: Db, expected: number): Promise<string[]> {
  const problems: string[] = [];
  const byStatus = await prisma.message.groupBy({ by: ["status"], _count: { _all: true } });
  const counts = Object.fromEntries(byStatus.map((g) => [g.status, g._count._all]));
  if (counts.sent !== expected) {
    problems.push(`outbox statuses ${JSON.stringify(counts)}, expected ${expected} sent`);
  }
  const retried = await prisma.message.count({ where: { attempts: { gt: 1 } } });
  if (retried > 0) problems.push(`${retried} messages needed more than one attempt`);
  const events = await prisma.messageEvent.groupBy({ by: ["type"], _count: { _all: true } });
  for (const type of ["queued", "attempt", "sent"]) {
    const n = events.find((e) => e.type === type)?._count._all ?? 0;
    if (n !== expected) problems.push(`${n} "${type}" events, expected ${expected}`);
  }
  return problems;
}

/** The pool settings lib/mail/transport-pool.ts really uses, read back from nodemailer. */
function poolOptions(transport: { transporter: unknown }): PhaseResult["pool"] {
  const options = (transport.transporter as { options?: Partial<PhaseResult["pool"]> }).options;
  return {
    maxConnections: options?.maxConnections ?? 0,
    maxMessages: options?.maxMessages ?? 0,
  };
}
