// kill -9 of the relay on SQLite (relay-crash-suite.ts).
import { relayCrashSuite } from "./relay-crash-suite";

relayCrashSuite("SQLite", {});
