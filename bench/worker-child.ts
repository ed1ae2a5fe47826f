// One Mailroom worker process of a --workers N phase: lib's startWorker on the phase's database,
// as `npm run worker` runs it, started by bench/mailroom-phase.ts with its environment (the
// configuration it set, NODE_EXTRA_CA_CERTS for the emulator's CA). Times every outbox claim()
// call and measures its own RSS and CPU between "start" and "finish"; answers over IPC.
import type { FromChild, ToChild, WorkerSettings } from "./child-protocol";
import { timeClaims } from "./claim-timer";
import { startResourceSampler } from "./resource-sampler";

const raw = process.env.BENCH_WORKER;
const send = process.send?.bind(process);
if (!raw || !send) {
  console.error("bench/worker-child.ts is started by the bench (npm run bench -- --workers N).");
  process.exit(2);
}
const settings = JSON.parse(raw) as WorkerSettings;
const reply = (message: FromChild) =>
  new Promise<void>((resolve) => send(message, undefined, {}, () => resolve()));
// The phase's process died: nothing is left to report to.
const orphaned = () => process.exit(1);
process.on("disconnect", orphaned);

const { outbox } = await import("../lib/outbox/open-outbox");
const { startWorker } = await import("../lib/sending/worker");
const claims = timeClaims(await outbox());
const worker = await startWorker({
  concurrency: settings.concurrency,
  log: (line) => {
    if (!line.includes("started")) process.stderr.write(`worker ${settings.index}: ${line}\n`);
  },
});
let sampler: ReturnType<typeof startResourceSampler> | undefined;

process.on("message", (message: ToChild) => {
  switch (message.type) {
    case "start":
      claims.reset();
      sampler = startResourceSampler();
      return;
    case "finish": {
      const usage = (sampler ?? startResourceSampler()).stop();
      void reply({ type: "usage", usage, claimsMs: claims.take() });
      return;
    }
    case "stop":
      process.off("disconnect", orphaned);
      void worker
        .stop()
        .then(() => reply({ type: "stopped" }))
        .then(() => process.exit(0));
      return;
    case "tokens":
      return;
  }
});
await reply({ type: "ready" });
