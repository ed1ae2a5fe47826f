// Phase (d), in --db postgres runs only: the least any outbox on PostgreSQL adds to bare. The
// same messages go through the plainest durable outbox (bench/minimal-outbox.ts): this process
// builds each message's MIME and accepts them in batches of --burst, one durable commit each,
// while --workers worker processes (bench/minimal-worker-child.ts) claim, send through bare's
// pooled transports and record each 250. No Prisma, no events, no search terms, no limits or
// per-account locks, no token refresh: what Mailroom does for each message and this does not is
// all that separates Mailroom's ratio to bare from this phase's.
import MailComposer from "nodemailer/lib/mail-composer";
import pg from "pg";
import { POOL } from "./bare-phase";
import {
  emulatorDeltas,
  openSmtpAtEnd,
  perAccountDeltas,
  type BenchEmulator,
} from "./bench-emulator";
import { spawnBenchChild, type BenchChild } from "./child-processes";
import type { MinimalWorkerSettings } from "./child-protocol";
import { acceptBatch, MINIMAL_SCHEMA, SENT } from "./minimal-outbox";
import { summarizeLatencies } from "./percentile";
import type { PhaseResult, PhaseSpec } from "./phase-types";
import { startResourceSampler } from "./resource-sampler";
import { verifyDelivery } from "./verify-delivery";
import { STALL_MS, waitUntilAllSent } from "./wait-until-sent";
import { accountEmail, buildWorkload } from "./workload";

export async function runMinimalOutboxPhase(
  spec: PhaseSpec,
  emu: BenchEmulator,
): Promise<PhaseResult> {
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) throw new Error("BENCH_DATABASE_URL is unset (bench/run.ts creates it)");
  const workload = buildWorkload(spec);
  const emails = Array.from({ length: spec.accounts }, (_, i) => accountEmail(i));
  const tokens: string[] = [];
  for (const email of emails) tokens.push((await emu.issueTokens(email)).accessToken);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const workers: BenchChild[] = [];
  try {
    await client.query(MINIMAL_SCHEMA);
    for (let index = 0; index < spec.workers; index++) {
      const settings: MinimalWorkerSettings = {
        index,
        concurrency: spec.concurrency,
        messages: spec.messages,
        accounts: spec.accounts,
        bodyBytes: spec.bodyBytes,
        smtp: emu.smtp,
        databaseUrl,
      };
      workers.push(
        spawnBenchChild("minimal-worker-child.ts", `minimal worker ${index}`, {
          BENCH_MINIMAL_WORKER: JSON.stringify(settings),
        }),
      );
    }
    for (const worker of workers) worker.send({ type: "tokens", tokens });
    await Promise.all(workers.map((w) => w.next("ready")));

    const problems: string[] = [];
    const sent = new Map<string, string>();
    const before = await emu.stats();
    const accountsBefore = await emu.accountStats(emails);
    await emu.startCollecting();
    for (const worker of workers) worker.send({ type: "start" });
    const sampler = startResourceSampler();
    const started = performance.now();
    const latencies: number[] = [];
    for (let offset = 0; offset < workload.length; offset += spec.burst) {
      const t = performance.now();
      const batch = await Promise.all(
        workload.slice(offset, offset + spec.burst).map(async (m) => {
          const messageId = `minimal-${spec.round}-${m.index}@mailroom.bench`;
          sent.set(messageId, m.from);
          const mime = await new MailComposer({
            from: m.from,
            to: m.to,
            subject: m.subject,
            text: m.text,
            messageId: `<${messageId}>`,
            headers: { "X-Mailer": "Mailroom bench" },
          })
            .compile()
            .build();
          return { id: m.index, account: m.account, mime };
        }),
      );
      await acceptBatch(client, batch);
      const ms = performance.now() - t;
      for (let i = 0; i < batch.length; i++) latencies.push(ms);
    }
    const acceptedMs = performance.now() - started;
    const finished = await waitUntilAllSent(emu, before.messages, spec.messages, async () => {
      const { rows } = await client.query<{ unsent: number }>(
        "SELECT COUNT(*)::int AS unsent FROM outbox WHERE status <> $1",
        [SENT],
      );
      return rows[0]?.unsent ?? -1;
    });
    const ended = performance.now();
    const usage = sampler.stop();
    for (const worker of workers) worker.send({ type: "finish" });
    const replies = await Promise.all(workers.map((w) => w.next("usage")));
    const openSmtp = await openSmtpAtEnd(emu, false, ended);
    for (const worker of workers) worker.send({ type: "stop" });
    await Promise.all(workers.map((w) => w.next("stopped")));
    await Promise.all(workers.map((w) => w.exited));
    const received = await emu.stopCollecting();
    const after = await emu.stats();
    const accountsAfter = await emu.accountStats(emails);
    if (!finished) problems.push(`the minimal outbox stopped moving for ${STALL_MS / 1000} s`);
    problems.push(...replies.flatMap((r) => r.failures ?? []));
    const delivery = verifyDelivery(spec.messages, sent, received);
    problems.push(...delivery.problems);

    const durationMs = ended - started;
    return {
      spec,
      durationMs,
      messagesPerSecond: (spec.messages / durationMs) * 1000,
      enqueue: { ...summarizeLatencies(latencies), totalMs: acceptedMs },
      emulator: emulatorDeltas(before, after),
      pool: POOL,
      ...usage,
      processes: replies.map((r) => r.usage),
      claims: summarizeLatencies(replies.flatMap((r) => r.claimsMs)),
      perAccount: perAccountDeltas(accountsBefore, accountsAfter),
      openSmtp,
      mailbox: delivery.mailbox,
      correctness: { ok: problems.length === 0, problems: problems.slice(0, 20) },
    };
  } finally {
    for (const worker of workers) worker.kill();
    await client.end();
  }
}
