// Entry of the outbox's database thread. Worker threads start as plain Node.js, also under
// `next start`, so TypeScript support is registered here before the thread's module loads.
import { register } from "tsx/esm/api";

register();
await import("./thread.ts");
