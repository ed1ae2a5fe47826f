// kill -9 of the relay on PostgreSQL (relay-crash-suite.ts); see tests/support/postgres-suite.ts.
import { onFreshPostgres } from "../../support/postgres-suite";
import { relayCrashSuite } from "./relay-crash-suite";

onFreshPostgres("kill -9 of the relay", (databaseUrl) =>
  relayCrashSuite("PostgreSQL", { databaseUrl }),
);
