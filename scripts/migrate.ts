// `npm run db:migrate` (and the first step of `npm run dev`): brings the database named by
// DATABASE_URL to this version's schema, on SQLite or PostgreSQL, waiting for a PostgreSQL server
// that is not up yet. Needs no other configuration.
import "dotenv/config";
import { databaseKind } from "../lib/database-url";
import { databaseStepOrExit, prepareDatabase } from "./prepare-database";

const databaseUrl = process.env.DATABASE_URL || "file:./data/mailroom.db";
try {
  databaseKind(databaseUrl);
} catch (error) {
  console.error(`Invalid configuration: ${(error as Error).message}`);
  process.exit(1);
}
await databaseStepOrExit(prepareDatabase(databaseUrl));
