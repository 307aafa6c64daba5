/** The CLI's exit codes. */
export const EXIT = {
  /** Everything worked. */
  OK: 0,
  /** A task failed, or a workflow is invalid. */
  FAILURE: 1,
  /** Bad command line, bad configuration, a file that cannot be loaded, bad params. */
  USAGE: 2,
} as const;

/** 128 + signal number, the shell's convention for a process stopped by a signal. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1;
}
