// A big-message benchmark path in its own process (bench/big-message-phase.ts), started by
// bench/big-message.ts with the react-server condition (lib/ imports "server-only") and
// --expose-gc; sends the result over IPC.
import { runBigMessage, type BigMessageSpec } from "./big-message-phase";

const spec = JSON.parse(process.env.BENCH_PHASE_SPEC ?? "{}") as BigMessageSpec;
const result = await runBigMessage(spec);
process.send?.(result);
process.exit(0);
