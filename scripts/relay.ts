// `npm run relay`: the SMTP relay alone, beside the web app (or on another machine sharing its
// PostgreSQL). It waits for a PostgreSQL server that is down, and leaves migrating to `npm start`.
import type { RelayHandle } from "../lib/relay/start-relay";
import { loadConfigOrExit } from "./load-config";
import { databaseStepOrExit, waitForDatabase } from "./prepare-database";

// Listening before anything heavy loads: a stop lets the messages being accepted finish, answers
// every other client 421 and exits. Before the relay listens, nothing is in flight.
let relay: RelayHandle | undefined;
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= (async () => {
    if (relay) {
      console.log("Stopping the relay…");
      await relay.stop();
    }
    process.exit(0);
  })();
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, stop);

const config = loadConfigOrExit();
if (config.RELAY_PORT === undefined) {
  console.error(
    'Mailroom relay: RELAY_PORT is not set; set it (e.g. RELAY_PORT=2525) to run the relay; see .env.example and README.md, "SMTP relay".',
  );
  process.exit(1);
}
await databaseStepOrExit(waitForDatabase(config.DATABASE_URL));
const { startRelay, relayStartedLine } = await import("../lib/relay/start-relay");
try {
  relay = await startRelay();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === "EADDRINUSE"
      ? `Mailroom relay: the port is in use (RELAY_PORT=${config.RELAY_PORT}${config.RELAY_TLS_PORT === undefined ? "" : `, RELAY_TLS_PORT=${config.RELAY_TLS_PORT}`}); is another relay or \`npm start\` with RELAY_PORT running?`
      : `Mailroom relay could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
console.log(relayStartedLine(relay));
