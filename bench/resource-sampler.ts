// Samples the process's RSS every 50 ms and measures CPU time and event-loop busyness over a
// window, so each phase reports what it cost, not only how fast it was.
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { startMachineCpu, type MachineCpu } from "./machine-cpu";

export interface ResourceUsage {
  rss: { baselineBytes: number; peakBytes: number; samples: number };
  cpu: { userMs: number; systemMs: number };
  eventLoopUtilization: number;
  /** The whole machine's CPU over the same window (null where Linux's /proc/stat is absent). */
  machine: MachineCpu | null;
}

export function startResourceSampler(intervalMs = 50): { stop(): ResourceUsage } {
  const baselineBytes = process.memoryUsage.rss();
  let peakBytes = baselineBytes;
  let samples = 1;
  const cpuStart = process.cpuUsage();
  const machine = startMachineCpu();
  const eluStart: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakBytes) peakBytes = rss;
    samples++;
  }, intervalMs);

  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peakBytes) peakBytes = rss;
      const cpu = process.cpuUsage(cpuStart);
      const elu = performance.eventLoopUtilization(eluStart);
      return {
        rss: { baselineBytes, peakBytes, samples: samples + 1 },
        cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
        eventLoopUtilization: elu.utilization,
        machine: machine.stop(),
      };
    },
  };
}
