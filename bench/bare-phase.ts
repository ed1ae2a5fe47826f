// Phase (b): the floor to compare against. One pooled nodemailer transport per account, fed a
// ready access token, every message handed over at once, no database and no bookkeeping.
import nodemailer from "nodemailer";
import { emulatorDeltas, type BenchEmulator } from "./bench-emulator";
import { normalizeMessageId } from "./mailbox-collector";
import type { PhaseResult, PhaseSpec } from "./phase-types";
import { startResourceSampler } from "./resource-sampler";
import { verifyDelivery } from "./verify-delivery";
import { accountEmail, buildWorkload } from "./workload";

/** Mirrors lib/mail/transport-pool.ts; the Mailroom phase reads its real values back to compare. */
export const POOL = { maxConnections: 3, maxMessages: 100 };

export async function runBarePhase(spec: PhaseSpec, emu: BenchEmulator): Promise<PhaseResult> {
  const workload = buildWorkload(spec);
  const tokens: string[] = [];
  for (let i = 0; i < spec.accounts; i++) {
    tokens.push((await emu.issueTokens(accountEmail(i))).accessToken);
  }
  const transports = tokens.map((accessToken, i) =>
    nodemailer.createTransport({
      pool: true,
      ...POOL,
      host: emu.smtp.host,
      port: emu.smtp.securePort,
      secure: true,
      auth: { type: "OAuth2", user: accountEmail(i), accessToken },
    }),
  );

  const before = await emu.stats();
  await emu.startCollecting();
  const sampler = startResourceSampler();
  const started = performance.now();
  const results = await Promise.allSettled(
    workload.map((m) => {
      const transport = transports[m.account];
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
  const durationMs = performance.now() - started;
  const usage = sampler.stop();
  for (const transport of transports) transport.close();
  const received = await emu.stopCollecting();
  const after = await emu.stats();

  const sent = new Map<string, string>();
  const problems: string[] = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") {
      sent.set(normalizeMessageId(result.value.messageId), workload[i]?.from ?? "");
    } else {
      problems.push(`message ${i + 1} failed: ${String(result.reason)}`);
    }
  });
  const delivery = verifyDelivery(spec.messages, sent, received);
  problems.push(...delivery.problems);

  return {
    spec,
    durationMs,
    messagesPerSecond: (spec.messages / durationMs) * 1000,
    emulator: emulatorDeltas(before, after),
    pool: POOL,
    ...usage,
    mailbox: delivery.mailbox,
    correctness: { ok: problems.length === 0, problems: problems.slice(0, 20) },
  };
}
