// How Mailroom's phase takes the messages in (--via): enqueueMessage called directly, the HTTP
// API's route handler (POST /api/v1/messages, called in this process with a Request as Next
// calls it), or Mailroom's SMTP relay on a free loopback port, submitted to through pooled
// nodemailer transports by a process of their own. Everything is set up before the clock starts;
// `submit` is what is timed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { POOL } from "./bare-phase";
import { spawnBenchChild } from "./child-processes";
import type { RelayClientSettings } from "./child-protocol";
import type { PhaseSpec } from "./phase-types";
import type { ResourceUsage } from "./resource-sampler";
import type { BenchMessage } from "./workload";

/** One sender as seeded: the user who owns the account and the account's address. */
export interface IntakeSender {
  userId: string;
  email: string;
}

/** What submitting in another process reports besides the latencies. */
export interface SubmitEnd {
  /** The last answer, epoch ms (bench/child-protocol.ts epochNow). */
  endEpochMs: number;
  clientUsage: ResourceUsage;
}

export interface Intake {
  /**
   * Before the clock: whatever a server that has been up a while has already done once (code
   * paths run, the outbox's database thread started). Resolves to the ids of the outbox rows
   * it made, which the phase deletes before the clock starts.
   */
  warmUp(): Promise<string[]>;
  /**
   * Takes every message in. Each accept latency is pushed as it comes; failures become problems.
   * Resolves at the last accept (or failure); the relay's clients' process also says when that
   * was (on the clock all processes share) and what it cost.
   */
  submit(latencies: number[], problems: string[]): Promise<SubmitEnd | void>;
  close(): Promise<void>;
}

/** Must run after lib's environment is set (it imports lib). */
export async function prepareIntake(
  spec: PhaseSpec,
  messages: BenchMessage[],
  senders: IntakeSender[],
): Promise<Intake> {
  if (spec.via === "direct") return directIntake(spec, messages, senders);
  const { createApiKey } = await import("../lib/api-keys/create-api-key");
  const secrets = await Promise.all(
    senders.map(async (sender, i) => {
      const key = await createApiKey(sender.userId, {
        name: `Bench ${i + 1}`,
        permission: "send",
        allowedFrom: [sender.email],
      });
      return key.secret;
    }),
  );
  return spec.via === "api"
    ? apiIntake(spec, messages, secrets)
    : relayIntake(spec, senders, secrets);
}

/** enqueueMessage in bursts of spec.burst, back to back (the bench's original intake). */
async function directIntake(
  spec: PhaseSpec,
  messages: BenchMessage[],
  senders: IntakeSender[],
): Promise<Intake> {
  const { enqueueMessage } = await import("../lib/outbox/enqueue-message");
  const { messageInputSchema } = await import("../lib/mail/message-input");
  // Validation is the API's job, before enqueueMessage; it is not part of what is timed.
  const jobs = messages.map((m) => ({
    userId: senders[m.account]?.userId ?? "",
    input: messageInputSchema.parse({ from: m.from, to: m.to, subject: m.subject, text: m.text }),
  }));
  return {
    warmUp: () => Promise.resolve([]),
    async submit(latencies, problems) {
      for (let offset = 0; offset < jobs.length; offset += spec.burst) {
        await Promise.all(
          jobs.slice(offset, offset + spec.burst).map(async (job) => {
            const t = performance.now();
            try {
              await enqueueMessage(job);
              latencies.push(performance.now() - t);
            } catch (error) {
              problems.push(`enqueue failed: ${(error as Error).message}`);
            }
          }),
        );
      }
    },
    close: () => Promise.resolve(),
  };
}

type RouteHandler = (request: Request, context: { params: Promise<never> }) => Promise<Response>;

/**
 * Open loop: request i starts at i / apiRate seconds whether or not earlier ones have been
 * answered, and its latency runs from that scheduled start (so a late start counts against it).
 */
async function apiIntake(
  spec: PhaseSpec,
  messages: BenchMessage[],
  secrets: string[],
): Promise<Intake> {
  const route = (await import("../app/api/v1/messages/route")) as { POST: RouteHandler };
  const intervalMs = 1000 / spec.apiRate;
  const post = (secret: string, body: object) =>
    route.POST(
      new Request("http://localhost:3000/api/v1/messages", {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({}) as Promise<never> },
    );
  return {
    // One request per key for a message scheduled a year ahead, so nothing is sent.
    async warmUp() {
      const scheduledAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
      return Promise.all(
        secrets.map(async (secret, account) => {
          const m = messages.find((candidate) => candidate.account === account);
          if (!m) return "";
          const response = await post(secret, {
            from: m.from,
            to: m.to,
            subject: "Warm-up",
            text: "Warm-up",
            scheduledAt,
          });
          const body = (await response.json()) as { id?: string };
          if (response.status !== 202 || !body.id) {
            throw new Error(`the warm-up request was answered ${response.status}`);
          }
          return body.id;
        }),
      );
    },
    async submit(latencies, problems) {
      const start = performance.now();
      await Promise.all(
        messages.map(async (m, i) => {
          const due = start + i * intervalMs;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          try {
            const response = await post(secrets[m.account] ?? "", {
              from: m.from,
              to: m.to,
              subject: m.subject,
              text: m.text,
            });
            const body = await response.text();
            if (response.status !== 202) {
              problems.push(`API answered ${response.status}: ${body.slice(0, 200)}`);
              return;
            }
            latencies.push(performance.now() - due);
          } catch (error) {
            problems.push(`API call failed: ${(error as Error).message}`);
          }
        }),
      );
    },
    close: () => Promise.resolve(),
  };
}

/**
 * The relay on a free loopback port (AUTH without TLS is allowed from loopback), in this process
 * as in Mailroom's; its clients in a process of their own (bench/relay-client-child.ts), as real
 * relay clients are other programs. The client process is started and handed the keys before
 * the clock; `submit` starts it and takes back each accept latency once its last 250 came.
 */
async function relayIntake(
  spec: PhaseSpec,
  senders: IntakeSender[],
  secrets: string[],
): Promise<Intake> {
  const { relayCertificate } = await import("../lib/relay/relay-certificate");
  const { startRelay } = await import("../lib/relay/start-relay");
  const dir = mkdtempSync(path.join(tmpdir(), "mailroom-bench-relay-"));
  const certificate = await relayCertificate({ hostname: "localhost", dir });
  const relay = await startRelay({
    port: 0,
    host: "127.0.0.1",
    certificate,
    maxConnectionsPerAddress: senders.length * POOL.maxConnections + 10,
    log: (line) => {
      if (!line.includes("listening")) process.stderr.write(`${line}\n`);
    },
  });
  const settings: RelayClientSettings = {
    port: relay.port,
    messages: spec.messages,
    accounts: spec.accounts,
    bodyBytes: spec.bodyBytes,
  };
  const client = spawnBenchChild("relay-client-child.ts", "the relay's clients", {
    BENCH_RELAY_CLIENT: JSON.stringify(settings),
  });
  /** The client process closes its transports and exits on "stop"; after a failure, killed. */
  const stopAll = async (graceful: boolean) => {
    if (graceful) client.send({ type: "stop" });
    else client.kill();
    await client.exited;
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    client.send({ type: "keys", secrets });
    await client.next("ready");
  } catch (error) {
    await stopAll(false);
    throw error;
  }
  return {
    warmUp: () => Promise.resolve([]),
    async submit(latencies, problems) {
      client.send({ type: "start" });
      const done = await client.next("submitted");
      latencies.push(...done.latencies);
      problems.push(...done.problems);
      return { endEpochMs: done.endEpochMs, clientUsage: done.usage };
    },
    close: () => stopAll(true),
  };
}
