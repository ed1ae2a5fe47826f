// One worker process of the minimal outbox phase (bench/minimal-outbox-phase.ts): up to
// `concurrency` messages in flight, claimed in batches when a quarter of the lanes are free, each
// sent as stored through bare's pooled transport for its account, each 250 recorded durably in
// batches (whatever arrives while one commit runs goes in the next). Polls every 2 ms while
// nothing is queued. Measures its own CPU and RSS between "start" and "finish"; answers over IPC.
import pg from "pg";
import { bareTransports } from "./bare-phase";
import type { FromChild, MinimalWorkerSettings, ToChild } from "./child-protocol";
import { claimBatch, recordSent } from "./minimal-outbox";
import { startResourceSampler } from "./resource-sampler";
import { buildWorkload } from "./workload";

const raw = process.env.BENCH_MINIMAL_WORKER;
const send = process.send?.bind(process);
if (!raw || !send) {
  console.error("bench/minimal-worker-child.ts is started by the bench (--db postgres).");
  process.exit(2);
}
const settings = JSON.parse(raw) as MinimalWorkerSettings;
const reply = (message: FromChild) =>
  new Promise<void>((resolve) => send(message, undefined, {}, () => resolve()));
process.on("disconnect", () => process.exit(1));

const workload = buildWorkload(settings);
const claimer = new pg.Client({ connectionString: settings.databaseUrl });
const recorder = new pg.Client({ connectionString: settings.databaseUrl });
await claimer.connect();
await recorder.connect();
await claimer.query("SET synchronous_commit = off");

let transports: ReturnType<typeof bareTransports> | undefined;
let running = false;
let sampler: ReturnType<typeof startResourceSampler> | undefined;
const claimsMs: number[] = [];
const failures: string[] = [];
let inFlight = 0;
let filling = false;
let pollTimer: NodeJS.Timeout | undefined;
const refillAt = Math.max(1, Math.floor(settings.concurrency / 4));

let toRecord: number[] = [];
let recording: Promise<void> | undefined;
function record(id: number) {
  toRecord.push(id);
  if (!recording) recording = flush();
}
async function flush(): Promise<void> {
  while (toRecord.length > 0) {
    const ids = toRecord;
    toRecord = [];
    try {
      await recordSent(recorder, ids);
    } catch (error) {
      failures.push(`recording failed: ${(error as Error).message}`);
    }
  }
  recording = undefined;
}

async function fill(): Promise<void> {
  if (filling || !running) return;
  filling = true;
  try {
    while (running && settings.concurrency - inFlight >= refillAt) {
      const started = performance.now();
      const batch = await claimBatch(claimer, settings.concurrency - inFlight);
      claimsMs.push(performance.now() - started);
      if (batch.length === 0) {
        pollTimer ??= setTimeout(() => {
          pollTimer = undefined;
          void fill();
        }, 2);
        return;
      }
      for (const message of batch) deliver(message);
    }
  } finally {
    filling = false;
  }
}

function deliver(message: { id: number; account: number; mime: Buffer }) {
  const m = workload[message.id];
  const transport = transports?.get(message.account);
  inFlight++;
  const done = () => {
    inFlight--;
    void fill();
  };
  if (!m || !transport) {
    failures.push(`no message or transport for ${message.id}`);
    done();
    return;
  }
  transport.sendMail({ envelope: { from: m.from, to: [m.to] }, raw: message.mime }).then(
    () => {
      record(message.id);
      done();
    },
    (error: Error) => {
      failures.push(`message ${message.id + 1} failed: ${error.message}`);
      done();
    },
  );
}

process.on("message", (message: ToChild) => {
  switch (message.type) {
    case "tokens":
      transports = bareTransports(settings.smtp, message.tokens, workload);
      void reply({ type: "ready" });
      return;
    case "start":
      sampler = startResourceSampler();
      running = true;
      void fill();
      return;
    case "finish": {
      running = false;
      clearTimeout(pollTimer);
      const usage = (sampler ?? startResourceSampler()).stop();
      void reply({ type: "usage", usage, claimsMs, failures });
      return;
    }
    case "stop":
      for (const transport of transports?.values() ?? []) transport.close();
      void Promise.all([claimer.end(), recorder.end()])
        .then(() => reply({ type: "stopped" }))
        .then(() => process.exit(0));
      return;
    case "keys":
      return;
  }
});
