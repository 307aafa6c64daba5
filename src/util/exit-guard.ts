// While a run is open in this process, a task must not end the process: `process.exit()` would
// cut the run short with no summary, no result.json and, for `process.exit(0)`, exit code 0.
// vitest and Jest do the same for the tests they run in process.

type Exit = (code?: number | string | null) => never;

let holders = 0;
let original: Exit | undefined;
let makeError: ((code: number | string | null | undefined) => Error) | undefined;

/**
 * Make `process.exit()` throw `error(code)` instead of exiting, until the returned function is
 * called (nested holders count; the first one's error is used). The throw reaches the code that
 * called it: inside a task, the task fails with it.
 */
export function guardProcessExit(error: (code: number | string | null | undefined) => Error): () => void {
  if (holders++ === 0) {
    original = process.exit as Exit;
    makeError = error;
    process.exit = ((code?: number | string | null) => {
      throw makeError!(code);
    }) as typeof process.exit;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      process.exit = original! as typeof process.exit;
      original = undefined;
      makeError = undefined;
    }
  };
}

/** End the process now, guarded or not: for wfkit's own exits (a second Ctrl-C). */
export function exitProcess(code: number): never {
  return (original ?? (process.exit as Exit)).call(process, code);
}
