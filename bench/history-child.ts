// The history benchmark in its own process: started by bench/run.ts (npm run bench -- --history)
// with the react-server condition (lib/ imports "server-only"); sends the result over IPC.
import { runHistoryPhase } from "./history-phase";
import type { HistorySpec } from "./phase-types";

const raw = process.env.BENCH_PHASE_SPEC;
if (!raw || !process.send) {
  console.error("bench/history-child.ts is started by bench/run.ts (npm run bench -- --history).");
  process.exit(2);
}
const result = await runHistoryPhase(JSON.parse(raw) as HistorySpec);
process.send(result, () => process.exit(0));
