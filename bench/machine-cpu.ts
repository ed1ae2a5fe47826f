// CPU time the whole machine spent over a window, from Linux's /proc/stat: every process counts
// (the emulator, PostgreSQL's server, the relay's clients, and anything else running), so a
// phase can say what a message cost the machine and how close to all its cores it came.
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineCpu {
  /**
   * CPU time the machine's processes and kernel got on every core, in ms: not idle, not waiting
   * for I/O, and not "steal" (time the virtual machine's host gave to someone else).
   */
  busyMs: number;
  /** Wall time of the window, in ms. */
  elapsedMs: number;
  cores: number;
}

/** Linux reports /proc/stat in USER_HZ ticks, which is 100 a second on every architecture. */
const TICK_MS = 10;

function readBusyMs(): number | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== "cpu") return null;
    // user nice system idle iowait irq softirq steal (guest time is inside user already)
    const ticks = fields.slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((n) => !Number.isFinite(n))) return null;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = ticks;
    return (user + nice + system + irq + softirq) * TICK_MS;
  } catch {
    return null;
  }
}

/** Starts a window; stop() gives the machine's CPU over it, or null where /proc/stat is absent. */
export function startMachineCpu(): { stop(): MachineCpu | null } {
  const startBusy = readBusyMs();
  const startAt = performance.now();
  return {
    stop() {
      const endBusy = readBusyMs();
      if (startBusy === null || endBusy === null) return null;
      return {
        busyMs: endBusy - startBusy,
        elapsedMs: performance.now() - startAt,
        cores: os.availableParallelism(),
      };
    },
  };
}
