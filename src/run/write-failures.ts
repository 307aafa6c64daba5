import path from "node:path";
import { RunNotRecordedError } from "./errors.js";
import { errorMessage } from "../errors/wfkit-error.js";
import type { RunResult } from "./run-result.js";

/** One of a run's own files that could not be written, and why. */
export interface WriteFailure {
  readonly file: string;
  readonly error: unknown;
}

/**
 * The run's own files that could not be written (`result.json`, `events.jsonl`, `run.log`):
 * the first failure of each file, heard once. A run with any does not end `success`: it could
 * not record itself (see {@link RunNotRecordedError}).
 */
export class WriteFailures {
  private readonly failures = new Map<string, unknown>();

  /** `onFirst` hears each file's first failure (the run logs it, once per file). */
  constructor(private readonly onFirst: (file: string, error: unknown) => void = () => {}) {}

  /** A write to `file` failed. Later failures of the same file are not heard again. */
  report(file: string, error: unknown): void {
    if (this.failures.has(file)) return;
    this.failures.set(file, error);
    try {
      this.onFirst(file, error);
    } catch {
      // Saying it failed (a log line to a console that is gone): the failure is still recorded.
    }
  }

  /** Every file that failed, in the order they first failed. */
  list(): WriteFailure[] {
    return [...this.failures].map(([file, error]) => ({ file, error }));
  }

  /** One error naming every file that could not be written, where and why; undefined when all were written. */
  error(): RunNotRecordedError | undefined {
    if (this.failures.size === 0) return undefined;
    const failures = this.list();
    // Files that failed for the same reason in the same folder are named together (a full disk fails them all alike).
    const groups = new Map<string, string[]>();
    for (const f of failures) {
      const key = `${path.dirname(f.file)}\0${errorMessage(f.error)}`;
      groups.set(key, [...(groups.get(key) ?? []), path.basename(f.file)]);
    }
    const what = [...groups].map(([key, files]) => {
      const [dir, why] = key.split("\0") as [string, string];
      return `${files.join(", ")} in ${dir} (${why})`;
    });
    return new RunNotRecordedError(`the run could not record itself: could not write ${what.join("; ")}; ${adviceFor(failures)}`, { cause: failures[0]!.error });
  }
}

function adviceFor(failures: readonly WriteFailure[]): string {
  const codes = new Set(failures.map((f) => (f.error as NodeJS.ErrnoException | undefined)?.code));
  if (codes.has("ENOSPC") || codes.has("EDQUOT")) return "free space on that disk, or set WF_HOME to a folder on a disk with room, and run again";
  if (codes.has("EROFS") || codes.has("EACCES") || codes.has("EPERM")) return "make that folder writable, or set WF_HOME to a writable folder, and run again";
  return "set WF_HOME to a writable folder with room and run again";
}

/**
 * `result` (changed in place, and returned) as it stands when the run could not write its own
 * files: `failed` (a run that could not record itself does not claim success), with `error`
 * saying what could not be written. The same result when everything was written.
 */
export function markUnrecorded(run: { readonly writeFailures: WriteFailures; readonly mask: { text(text: string): string } }, result: RunResult): RunResult {
  const unrecorded = run.writeFailures.error();
  if (unrecorded === undefined) return result;
  if (result.status === "success") result.status = "failed";
  result.error = run.mask.text(unrecorded.message);
  return result;
}
