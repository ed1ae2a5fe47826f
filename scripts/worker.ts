// `npm run worker`: a standalone outbox worker, for scaling sending out beside the web app. It
// waits for a PostgreSQL server that is down, and for the tables while `npm start` migrates; it
// does not apply migrations itself.
import type { WorkerHandle } from "../lib/sending/worker";
import { loadConfigOrExit } from "./load-config";
import { databaseStepOrExit, waitForDatabase } from "./prepare-database";

// Listening before anything heavy loads, and for every signal: a stop asked for once the worker
// runs, or twice, still lets the messages in flight finish and exits cleanly. Before it has
// started (waiting for the database) nothing is in flight, so it exits at once.
let worker: WorkerHandle | undefined;
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= (async () => {
    if (worker) {
      console.log(`Stopping worker ${worker.id}…`);
      await worker.stop();
    }
    process.exit(0);
  })();
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, stop);

const config = loadConfigOrExit();
await databaseStepOrExit(waitForDatabase(config.DATABASE_URL));
const { startWorker } = await import("../lib/sending/worker");
await startWorker().then((started) => {
  worker = started;
});
