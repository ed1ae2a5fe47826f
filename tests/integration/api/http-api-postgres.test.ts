// The HTTP API on PostgreSQL (http-api-suite.ts); see tests/support/postgres-suite.ts.
import { onFreshPostgres } from "../../support/postgres-suite";
import { httpApiSuite } from "./http-api-suite";

onFreshPostgres("the HTTP API", (databaseUrl) => httpApiSuite("PostgreSQL", { databaseUrl }));
