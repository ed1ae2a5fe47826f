// `npm run worker`: a standalone outbox worker, for scaling sending out beside the web app.
import { loadConfigOrExit } from "./load-config";
import { startWorker } from "../lib/queue/worker";

loadConfigOrExit();
const worker = await startWorker();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`Stopping worker ${worker.id}…`);
    void worker.stop().then(() => process.exit(0));
  });
}
