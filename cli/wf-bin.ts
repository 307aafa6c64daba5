/** The `wf` entry point this process was started from, when it was (not when `main` runs inside a test). */
let binPath: string | undefined;

/** Called by the bin script: commands that start `wf` again (the task supervisor) use this file. */
export function setWfBinPath(file: string): void {
  binPath = file;
}

/** The `wf` entry point, or undefined when `main` was called in-process. */
export function wfBinPath(): string | undefined {
  return binPath;
}
