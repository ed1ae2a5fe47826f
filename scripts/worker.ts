// `npm run worker`: a standalone outbox worker, for scaling sending out beside the web app.
import type { WorkerHandle } from "../lib/sending/worker";
import { loadConfigOrExit } from "./load-config";

// Listening before anything heavy loads, and for every signal: a stop asked for while starting,
// or twice, still lets the messages in flight finish and exits cleanly.
let worker: Promise<WorkerHandle> | undefined;
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= (async () => {
    const running = await worker;
    if (running) {
      console.log(`Stopping worker ${running.id}…`);
      await running.stop();
    }
    process.exit(0);
  })();
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, stop);

loadConfigOrExit();
const { startWorker } = await import("../lib/sending/worker");
if (!stopping) {
  worker = startWorker();
  await worker;
}
