import { fileSink } from "./line-sink.js";
import { CoreLogger, type WfLogger } from "./logger.js";
import type { Masker } from "./mask.js";

/** A run's log file, attached to the run's logger. */
export interface RunLogFile {
  /** The run's logger: writes to the console as before and to the file. */
  logger: WfLogger;
  /** The file, or undefined when the logger is not wfkit's (a caller's own WfLogger). */
  file: string | undefined;
  /** Write out what waits for the file, now. */
  flush(): void;
  /** Flush and close the file. */
  close(): void;
}

/**
 * Attach `file` (appended to, created if missing) to `logger`: every line the logger and its
 * children write also goes there, in plain text with every field, and failed tasks' full
 * stacks. On Airflow every task of a run appends to the same file when WF_HOME is shared.
 * `masker` (the run's rule, with its secret values) replaces the logger's own for the run;
 * `onError` hears the first write to the file that fails (the file then takes no more lines).
 */
export function attachRunLogFile(logger: WfLogger, file: string, masker?: Masker, onError?: (error: unknown) => void): RunLogFile {
  if (!(logger instanceof CoreLogger)) return { logger, file: undefined, flush: () => {}, close: () => {} };
  const sink = fileSink(file, false, onError);
  const core = logger.core.withRunLog(sink, file, masker);
  return { logger: new CoreLogger(core, logger.name, logger.bound, logger.min), file, flush: () => sink.flush(), close: () => sink.close() };
}
