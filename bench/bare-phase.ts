// Phase (b): the floor to compare against. One pooled nodemailer transport per account, fed a
// ready access token, every message handed over at once, no database and no bookkeeping. With
// --workers N > 1, N sender processes (bench/sender-child.ts) do this, each for its 1/N of the
// messages with its own pool per account: the same number of sending processes, and so of
// pooled connections, as Mailroom's N worker processes have.
import nodemailer, { type Transporter } from "nodemailer";
import {
  emulatorDeltas,
  openSmtpAtEnd,
  perAccountDeltas,
  type BenchEmulator,
} from "./bench-emulator";
import { spawnBenchChild, type BenchChild } from "./child-processes";
import { epochNow, type SenderSettings } from "./child-protocol";
import { normalizeMessageId } from "./mailbox-collector";
import type { PhaseResult, PhaseSpec } from "./phase-types";
import { startResourceSampler, type ResourceUsage } from "./resource-sampler";
import { verifyDelivery } from "./verify-delivery";
import { accountEmail, buildWorkload, type BenchMessage } from "./workload";

/** Mirrors lib/mail/transport-pool.ts; the Mailroom phase reads its real values back to compare. */
export const POOL = { maxConnections: 3, maxMessages: 100 };

/** A pooled transport for each account that sends any of `messages`. */
export function bareTransports(
  smtp: { host: string; securePort: number },
  tokens: string[],
  messages: BenchMessage[],
): Map<number, Transporter> {
  const transports = new Map<number, Transporter>();
  for (const { account } of messages) {
    if (transports.has(account)) continue;
    transports.set(
      account,
      nodemailer.createTransport({
        pool: true,
        ...POOL,
        host: smtp.host,
        port: smtp.securePort,
        secure: true,
        auth: { type: "OAuth2", user: accountEmail(account), accessToken: tokens[account] },
      }),
    );
  }
  return transports;
}

/** Hands every message to its account's transport at once; resolves at the last 250. */
export async function sendAll(
  messages: BenchMessage[],
  transports: Map<number, Transporter>,
): Promise<{ sent: [string, string][]; failures: string[] }> {
  const results = await Promise.allSettled(
    messages.map((m) => {
      const transport = transports.get(m.account);
      if (!transport) throw new Error(`no transport for account ${m.account}`);
      return transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        headers: { "X-Mailer": "Mailroom bench" },
      });
    }),
  );
  const sent: [string, string][] = [];
  const failures: string[] = [];
  results.forEach((result, i) => {
    const m = messages[i];
    if (result.status === "fulfilled") {
      sent.push([normalizeMessageId(result.value.messageId), m?.from ?? ""]);
    } else {
      failures.push(`message ${(m?.index ?? i) + 1} failed: ${String(result.reason)}`);
    }
  });
  return { sent, failures };
}

export async function runBarePhase(spec: PhaseSpec, emu: BenchEmulator): Promise<PhaseResult> {
  const workload = buildWorkload(spec);
  const emails = Array.from({ length: spec.accounts }, (_, i) => accountEmail(i));
  const tokens: string[] = [];
  for (const email of emails) tokens.push((await emu.issueTokens(email)).accessToken);
  const measure =
    spec.workers === 1
      ? sendHere(spec, emu, tokens, workload)
      : () => sendFromProcesses(spec, emu, tokens);

  const before = await emu.stats();
  const accountsBefore = await emu.accountStats(emails);
  await emu.startCollecting();
  const measured = await measure();
  const received = await emu.stopCollecting();
  const after = await emu.stats();
  const accountsAfter = await emu.accountStats(emails);

  const sent = new Map<string, string>(measured.sent);
  const problems = [...measured.failures];
  const delivery = verifyDelivery(spec.messages, sent, received);
  problems.push(...delivery.problems);

  return {
    spec,
    durationMs: measured.durationMs,
    messagesPerSecond: (spec.messages / measured.durationMs) * 1000,
    emulator: emulatorDeltas(before, after),
    pool: POOL,
    ...measured.usage,
    processes: measured.processes,
    perAccount: perAccountDeltas(accountsBefore, accountsAfter),
    openSmtp: measured.openSmtp,
    mailbox: delivery.mailbox,
    correctness: { ok: problems.length === 0, problems: problems.slice(0, 20) },
  };
}

interface Measured {
  durationMs: number;
  usage: ResourceUsage;
  processes: ResourceUsage[];
  sent: [string, string][];
  failures: string[];
  openSmtp: PhaseResult["openSmtp"];
}

/** --workers 1: everything from this process, as the bench always did. */
function sendHere(
  spec: PhaseSpec,
  emu: BenchEmulator,
  tokens: string[],
  workload: BenchMessage[],
): () => Promise<Measured> {
  const transports = bareTransports(emu.smtp, tokens, workload);
  return async () => {
    const sampler = startResourceSampler();
    const started = performance.now();
    const { sent, failures } = await sendAll(workload, transports);
    const ended = performance.now();
    const usage = sampler.stop();
    // Read at once: the pools' connections are still open. Waiting: the script closes them.
    let openSmtp = await openSmtpAtEnd(emu, false, ended);
    for (const transport of transports.values()) transport.close();
    if (spec.waitForIdle) openSmtp = await openSmtpAtEnd(emu, true, ended);
    return { durationMs: ended - started, usage, processes: [], sent, failures, openSmtp };
  };
}

/**
 * --workers N: N sender processes, each with its own pools, started together by one message;
 * timed from then to the last 250 of the last of them (each reports when, on the shared clock).
 */
async function sendFromProcesses(
  spec: PhaseSpec,
  emu: BenchEmulator,
  tokens: string[],
): Promise<Measured> {
  const senders: BenchChild[] = [];
  try {
    for (let index = 0; index < spec.workers; index++) {
      const settings: SenderSettings = {
        index,
        senders: spec.workers,
        messages: spec.messages,
        accounts: spec.accounts,
        bodyBytes: spec.bodyBytes,
        smtp: emu.smtp,
      };
      senders.push(
        spawnBenchChild("sender-child.ts", `sender ${index}`, {
          BENCH_SENDER: JSON.stringify(settings),
        }),
      );
    }
    for (const sender of senders) sender.send({ type: "tokens", tokens });
    await Promise.all(senders.map((s) => s.next("ready")));

    const sampler = startResourceSampler();
    const startedEpoch = epochNow();
    for (const sender of senders) sender.send({ type: "start" });
    const done = await Promise.all(senders.map((s) => s.next("done")));
    const usage = sampler.stop();
    const endEpoch = Math.max(...done.map((d) => d.endEpochMs));
    const ended = performance.now() - (epochNow() - endEpoch);
    // As with one process: read while the pools are open; waiting, after the senders close them.
    let openSmtp = await openSmtpAtEnd(emu, false, ended);
    for (const sender of senders) sender.send({ type: "stop" });
    await Promise.all(senders.map((s) => s.exited));
    if (spec.waitForIdle) openSmtp = await openSmtpAtEnd(emu, true, ended);
    return {
      durationMs: endEpoch - startedEpoch,
      usage,
      processes: done.map((d) => d.usage),
      sent: done.flatMap((d) => d.sent),
      failures: done.flatMap((d) => d.failures),
      openSmtp,
    };
  } finally {
    for (const sender of senders) sender.kill();
  }
}
