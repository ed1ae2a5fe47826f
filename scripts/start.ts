// `npm start`: validate configuration, wait for the database and apply migrations, then serve
// the production build (whose start-up, instrumentation.ts, also starts the in-process worker and,
// when RELAY_PORT is set, the SMTP relay).
import { loadConfigOrExit } from "./load-config";
import { databaseStepOrExit, prepareDatabase } from "./prepare-database";
import { run } from "./run";

const config = loadConfigOrExit();
await databaseStepOrExit(prepareDatabase(config.DATABASE_URL));
const port = process.env.PORT ?? "3000";
process.exit(
  await run("npx", ["next", "start", "-p", port], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  }),
);
