// The SMTP relay on SQLite (relay-suite.ts).
import { relaySuite } from "./relay-suite";

relaySuite("SQLite", {});
