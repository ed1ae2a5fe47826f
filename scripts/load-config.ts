// Loads .env (as Next.js does) and validates it, turning a bad configuration into one clear line.
import "dotenv/config";
import { EnvError, parseEnv, type Env } from "../lib/env";

export function loadConfigOrExit(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    if (error.variable === "GOOGLE_CLIENT_ID" || error.variable === "GOOGLE_CLIENT_SECRET") {
      console.error(
        "Mailroom has no Google OAuth client configured (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET).\n" +
          '  • To use your Google account, create an OAuth client and fill in .env — see README.md, "Configuration".\n' +
          "  • To try Mailroom without Google, run: npm run demo",
      );
    } else {
      console.error(`${error.message}; see .env.example and README.md, "Configuration".`);
    }
    process.exit(1);
  }
}
