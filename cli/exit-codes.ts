/** The CLI's exit codes. */
export const EXIT = {
  /** Everything worked. */
  OK: 0,
  /** A task failed, or a workflow is invalid. */
  FAILURE: 1,
  /** Bad command line, bad configuration, a file that cannot be loaded, bad params, a workflow on hold. */
  USAGE: 2,
} as const;

export { signalExitCode } from "../src/util/stop-signals.js";
