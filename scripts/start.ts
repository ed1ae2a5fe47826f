// `npm start`: validate configuration, apply migrations, then serve the production build.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { loadConfigOrExit } from "./load-config";
import { run, runOrExit } from "./run";

const config = loadConfigOrExit();
if (config.DATABASE_URL.startsWith("file:")) {
  mkdirSync(path.dirname(config.DATABASE_URL.slice("file:".length)), { recursive: true });
}
await runOrExit("npx", ["prisma", "migrate", "deploy"], {
  env: { ...process.env, CHECKPOINT_DISABLE: "1" },
});
const port = process.env.PORT ?? "3000";
process.exit(
  await run("npx", ["next", "start", "-p", port], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  }),
);
