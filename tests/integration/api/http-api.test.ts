// The HTTP API on SQLite (http-api-suite.ts).
import { httpApiSuite } from "./http-api-suite";

httpApiSuite("SQLite", {});
