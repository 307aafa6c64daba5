import { WfkitError } from "../errors/wfkit-error.js";

/**
 * Thrown by a task (or via `this.skip(reason)`) when it has nothing to do. The task is marked
 * `skipped`, not failed; no rollback runs; downstream tasks are skipped too (Airflow's rule).
 */
export class TaskSkipped extends WfkitError {
  constructor(reason = "nothing to do") {
    super(reason);
  }
}

/** The run was cancelled (AbortSignal, SIGINT/SIGTERM) while this task was running. */
export class TaskTerminatedError extends WfkitError {
  constructor(taskName: string, reason?: unknown) {
    const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
    super(`task ${taskName} was terminated${why ? `: ${why}` : ""}`, { cause: reason });
  }
}
