// Phase (c), in --via relay runs only: the least any SMTP relay can cost. The relay's clients
// (bench/relay-client-child.ts, the same process and messages as the Mailroom phase's) submit to
// a plain smtp-server on loopback that answers 250 once a message is in and hands its bytes, as
// they came, to the sending account's pooled nodemailer transport (bare's): no outbox, no
// database, no checks, nothing kept if the process died. A relay receives each message over SMTP
// and sends it over SMTP again, so this phase's ratio to bare is what a relay could reach on this
// machine if everything Mailroom adds (the outbox's writes, the key and From checks, the worker)
// cost nothing.
import { SMTPServer } from "smtp-server";
import type { Transporter } from "nodemailer";
import { POOL, bareTransports } from "./bare-phase";
import {
  emulatorDeltas,
  openSmtpAtEnd,
  perAccountDeltas,
  type BenchEmulator,
} from "./bench-emulator";
import { spawnBenchChild } from "./child-processes";
import { epochNow, type RelayClientSettings } from "./child-protocol";
import { normalizeMessageId } from "./mailbox-collector";
import { summarizeLatencies } from "./percentile";
import type { PhaseResult, PhaseSpec } from "./phase-types";
import { startResourceSampler } from "./resource-sampler";
import { verifyDelivery } from "./verify-delivery";
import { accountEmail, buildWorkload } from "./workload";

const MESSAGE_ID = /^message-id:[ \t]*<?([^>\r\n]+)>?/im;

/** The Message-ID header of a message's header block, as the mailbox collector reads it. */
export function messageIdOf(raw: Buffer): string | undefined {
  const end = raw.indexOf("\r\n\r\n");
  const match = MESSAGE_ID.exec(raw.toString("latin1", 0, end < 0 ? raw.length : end));
  return match?.[1] ? normalizeMessageId(match[1]) : undefined;
}

export async function runForwarderPhase(spec: PhaseSpec, emu: BenchEmulator): Promise<PhaseResult> {
  const workload = buildWorkload(spec);
  const emails = Array.from({ length: spec.accounts }, (_, i) => accountEmail(i));
  const accountOf = new Map(emails.map((email, i) => [email, i]));
  const tokens: string[] = [];
  for (const email of emails) tokens.push((await emu.issueTokens(email)).accessToken);
  const transports = bareTransports(emu.smtp, tokens, workload);

  const problems: string[] = [];
  const sent = new Map<string, string>();
  let settled = 0;
  let allForwarded: () => void = () => undefined;
  const forwarded = new Promise<void>((resolve) => (allForwarded = resolve));
  const settle = () => {
    if (++settled === spec.messages) allForwarded();
  };

  const forward = (transport: Transporter, from: string, to: string[], raw: Buffer) => {
    const id = messageIdOf(raw);
    if (id) sent.set(id, from);
    else problems.push("a submitted message had no Message-ID");
    transport.sendMail({ envelope: { from, to }, raw }).then(
      () => settle(),
      (error: Error) => {
        problems.push(`forwarding failed: ${error.message}`);
        settle();
      },
    );
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    maxClients: spec.accounts * POOL.maxConnections + 10,
    onAuth(auth, _session, callback) {
      if (accountOf.has(auth.username ?? "")) callback(null, { user: auth.username });
      else callback(new Error("unknown sender"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const account = accountOf.get(String(session.user));
        const transport = account === undefined ? undefined : transports.get(account);
        // Read before answering: the answer starts the session's next transaction.
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (!transport) {
          callback(new Error("no transport for this sender"));
          return;
        }
        callback();
        forward(transport, from, to, Buffer.concat(chunks));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const settings: RelayClientSettings = {
    port,
    messages: spec.messages,
    accounts: spec.accounts,
    bodyBytes: spec.bodyBytes,
  };
  const client = spawnBenchChild("relay-client-child.ts", "the relay's clients", {
    BENCH_RELAY_CLIENT: JSON.stringify(settings),
  });
  try {
    client.send({ type: "keys", secrets: emails.map(() => "unused") });
    await client.next("ready");

    const before = await emu.stats();
    const accountsBefore = await emu.accountStats(emails);
    await emu.startCollecting();
    const sampler = startResourceSampler();
    const started = performance.now();
    client.send({ type: "start" });
    const submitted = await client.next("submitted");
    problems.push(...submitted.problems);
    const acceptedMs = submitted.endEpochMs - epochNow() + performance.now() - started;
    // Every message accepted was handed on; a refused one never comes.
    if (submitted.latencies.length < spec.messages) {
      settled += spec.messages - submitted.latencies.length;
      if (settled >= spec.messages) allForwarded();
    }
    await forwarded;
    const ended = performance.now();
    const usage = sampler.stop();
    const openSmtp = await openSmtpAtEnd(emu, false, ended);
    client.send({ type: "stop" });
    await client.exited;
    for (const transport of transports.values()) transport.close();
    const received = await emu.stopCollecting();
    const after = await emu.stats();
    const accountsAfter = await emu.accountStats(emails);
    const delivery = verifyDelivery(spec.messages, sent, received);
    problems.push(...delivery.problems);

    const durationMs = ended - started;
    return {
      spec,
      durationMs,
      messagesPerSecond: (spec.messages / durationMs) * 1000,
      enqueue: { ...summarizeLatencies(submitted.latencies), totalMs: acceptedMs },
      acceptedPerSecond: (submitted.latencies.length / acceptedMs) * 1000,
      relayClients: submitted.usage,
      emulator: emulatorDeltas(before, after),
      pool: POOL,
      ...usage,
      processes: [],
      perAccount: perAccountDeltas(accountsBefore, accountsAfter),
      openSmtp,
      mailbox: delivery.mailbox,
      correctness: { ok: problems.length === 0, problems: problems.slice(0, 20) },
    };
  } finally {
    client.kill();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
