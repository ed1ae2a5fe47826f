// The relay's clients in a --via relay phase: the programs that submit to Mailroom's SMTP relay
// (a legacy app, a printer) run apart from Mailroom, so they run in this process of their own,
// not in the measured one. The same messages as every phase (bench/workload.ts), one pooled
// nodemailer transport per sender logged in with its key, with bare's pool settings. Each
// transport has as many messages in flight as connections (three lanes per sender, each sending
// its next message when the last got its answer), so a latency is one SMTP transaction from
// sendMail to the relay's 250, not time queued inside nodemailer. Reports when its last answer
// came (on the clock all processes share), every latency, and what went wrong.
import nodemailer, { type Transporter } from "nodemailer";
import { POOL } from "./bare-phase";
import { epochNow, type FromChild, type RelayClientSettings, type ToChild } from "./child-protocol";
import { startResourceSampler } from "./resource-sampler";
import { accountEmail, buildWorkload, type BenchMessage } from "./workload";

const raw = process.env.BENCH_RELAY_CLIENT;
const send = process.send?.bind(process);
if (!raw || !send) {
  console.error(
    "bench/relay-client-child.ts is started by the bench (npm run bench -- --via relay).",
  );
  process.exit(2);
}
const settings = JSON.parse(raw) as RelayClientSettings;
const reply = (message: FromChild) =>
  new Promise<void>((resolve) => send(message, undefined, {}, () => resolve()));
process.on("disconnect", () => process.exit(1));

const workload = buildWorkload(settings);
const byAccount = Array.from({ length: settings.accounts }, (_, account) =>
  workload.filter((m) => m.account === account),
);
let transports: Transporter[] = [];

/** One pooled transport per sender, on the relay's port, AUTH without TLS (loopback). */
function relayTransports(secrets: string[]): Transporter[] {
  return byAccount.map((_, account) =>
    nodemailer.createTransport({
      pool: true,
      ...POOL,
      host: "127.0.0.1",
      port: settings.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: accountEmail(account), pass: secrets[account] ?? "" },
    }),
  );
}

async function submitAll(latencies: number[], problems: string[]): Promise<void> {
  await Promise.all(
    byAccount.flatMap((queue, account) => {
      let next = 0;
      const transport = transports[account];
      const lane = async () => {
        for (let m: BenchMessage | undefined = queue[next++]; m && transport; m = queue[next++]) {
          const t = performance.now();
          try {
            const info = (await transport.sendMail({
              from: m.from,
              to: m.to,
              subject: m.subject,
              text: m.text,
            })) as { response: unknown };
            if (!String(info.response).startsWith("250")) {
              problems.push(`relay answered ${String(info.response)}`);
              continue;
            }
            latencies.push(performance.now() - t);
          } catch (error) {
            problems.push(`relay refused: ${(error as Error).message}`);
          }
        }
      };
      return Array.from({ length: POOL.maxConnections }, lane);
    }),
  );
}

process.on("message", (message: ToChild) => {
  switch (message.type) {
    case "keys":
      transports = relayTransports(message.secrets);
      void reply({ type: "ready" });
      return;
    case "start": {
      const sampler = startResourceSampler();
      const latencies: number[] = [];
      const problems: string[] = [];
      void submitAll(latencies, problems).then(() => {
        const endEpochMs = epochNow();
        void reply({ type: "submitted", endEpochMs, usage: sampler.stop(), latencies, problems });
      });
      return;
    }
    case "stop":
      for (const transport of transports) transport.close();
      process.exit(0);
      return;
    case "tokens":
    case "finish":
      return;
  }
});
