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

/** A re-run request that cannot be read: an unknown option, a `from` task the workflow does not have. */
export class RerunOptionsError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The run to re-run is not in the run log, or has not ended. */
export class RerunNotPossibleError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The workflow changed since the run to re-run (another dag hash), and `force` was not given. */
export class RerunRefusedError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The run to re-run had secret params, recorded masked: they must be given again. */
export class RerunParamsError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
