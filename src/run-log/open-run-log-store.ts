import { hostname } from "node:os";
import { processAlive } from "../util/process-alive.js";
import { FileRunLogStore, type SkippedLine } from "./file-store.js";
import type { CompiledRunLogOptions } from "./run-log-options.js";
import type { RunLogStore } from "./run-log-store.js";
import type { ProcessCheck } from "./project-run.js";
import { RunLogOptionsError } from "./errors.js";

/** The store the options name, opened for reading and appending. */
export async function openRunLogStore(options: CompiledRunLogOptions, onSkipped: SkippedLine = () => {}): Promise<RunLogStore> {
  if (options.store === "off") throw new RunLogOptionsError("the run log is off (WF_RUN_LOG=off): nothing was recorded; set WF_RUN_LOG to file or a PostgreSQL URL");
  if (options.store === "file") return new FileRunLogStore(options.home, onSkipped);
  const { openPostgresRunLogStore } = await import("./postgres-store.js");
  return openPostgresRunLogStore(options);
}

const thisHost = hostname();

/** Whether a process recorded on this host lives; undefined for other hosts, which cannot be asked. */
export const sameHostCheck: ProcessCheck = (host, pid) => (host === thisHost ? processAlive(pid) : undefined);
