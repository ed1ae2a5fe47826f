// The SMTP relay on PostgreSQL (relay-suite.ts); see tests/support/postgres-suite.ts.
import { onFreshPostgres } from "../../support/postgres-suite";
import { relaySuite } from "./relay-suite";

onFreshPostgres("the SMTP relay", (databaseUrl) => relaySuite("PostgreSQL", { databaseUrl }));
