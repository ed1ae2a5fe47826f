// One measured phase in its own process: started by bench/run.ts with NODE_EXTRA_CA_CERTS set
// (Node reads it only at start-up) and the react-server condition (lib/ imports "server-only").
// Starts a fresh emulator (here, or in a process of its own), runs the phase, and sends the
// result to the parent over IPC.
import { runBarePhase } from "./bare-phase";
import { startInProcessEmulator } from "./bench-emulator";
import { runForwarderPhase } from "./forwarder-phase";
import { runMailroomPhase } from "./mailroom-phase";
import { runMinimalOutboxPhase } from "./minimal-outbox-phase";
import type { PhaseResult, PhaseSpec } from "./phase-types";
import { startRemoteEmulator } from "./remote-emulator";

const raw = process.env.BENCH_PHASE_SPEC;
if (!raw || !process.send) {
  console.error("bench/phase-child.ts is started by bench/run.ts (npm run bench).");
  process.exit(2);
}
const spec = JSON.parse(raw) as PhaseSpec;

const emu = await (spec.emulator === "separate" ? startRemoteEmulator : startInProcessEmulator)(
  spec,
);
let result: PhaseResult;
try {
  const run = {
    bare: runBarePhase,
    mailroom: runMailroomPhase,
    forwarder: runForwarderPhase,
    minimal: runMinimalOutboxPhase,
  };
  result = await run[spec.kind](spec, emu);
} finally {
  await emu.stop();
}
process.send(result, () => process.exit(0));
