// `npm run doctor`: the setup check for a headless server — the same checks as the setup page,
// one line each, and exit status 1 when any is red. Loads .env as the app does; a configuration
// that does not validate is reported (every bad variable named), not a reason to stop.
import "dotenv/config";
import { formatSetupReport, setupExitCode } from "../lib/setup/format-setup-report";
import { runSetupCheck } from "../lib/setup/run-setup-check";

const results = await runSetupCheck();
process.stdout.write(formatSetupReport(results, { colour: process.stdout.isTTY === true }));
process.exit(setupExitCode(results));
