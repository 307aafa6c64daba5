import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/** A run id that is not safe to use as a folder name or an Airflow run id. */
export class InvalidRunIdError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The run directory cannot be created or written (a read-only or full WF_HOME). */
export class RunDirError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/** Another process is running a run with the same run id (`--run-id` given twice at once). */
export class RunInUseError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/**
 * The run could not write its own files (`result.json`, `events.jsonl`, `run.log`): a full disk,
 * a file system gone read-only. The run then ends `failed` whatever its tasks did, with this
 * error saying what could not be written, where and why.
 */
export class RunNotRecordedError extends RunDirError {}
