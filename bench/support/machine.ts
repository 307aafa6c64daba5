import { cpus, loadavg } from "node:os";

/** The machine a benchmark ran on, with the 1-minute load average at its start and end. */
export interface Machine {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  /** Other work on the machine skews the figures: reported with every result. */
  loadAverage: { start: number; end: number };
}

/** Describe this machine; call at the end of a benchmark with the load average read at its start. */
export function machineInfo(loadStart: number): Machine {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    loadAverage: { start: loadStart, end: loadavg()[0]! },
  };
}
