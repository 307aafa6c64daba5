import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/**
 * Thrown by a task (or via `this.skip(reason)`) when it has nothing to do. The task is marked
 * `skipped`, not failed; no rollback runs; downstream tasks are skipped too (Airflow's rule).
 * Not a failure: it is classified `user` because the task's own code decided it.
 */
export class TaskSkipped extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";

  constructor(reason = "nothing to do") {
    super(reason);
  }
}

/**
 * The run was cancelled (AbortSignal, SIGINT/SIGTERM) while this task was running. Classified
 * `platform`: the task was stopped from outside (Airflow's kill or timeout, a worker shutting
 * down, whoever cancelled the run); its own code did not fail.
 */
export class TaskTerminatedError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "platform";

  constructor(taskName: string, reason?: unknown) {
    const why = reason instanceof Error ? reason.message : reason === undefined ? "" : String(reason);
    super(`task ${taskName} was terminated${why ? `: ${why}` : ""}`, { cause: reason });
  }
}

/**
 * An attempt ran longer than its task's `timeoutSeconds` (Airflow's `execution_timeout`): its
 * signal aborted and it ended `terminated`. Classified `user`: raise the timeout or make the task
 * faster. Retried like a failure while retries are left, as Airflow retries a timed-out task.
 */
export class TaskTimeoutError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";

  constructor(
    taskName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`task ${taskName} timed out after ${timeoutSeconds} s (its timeoutSeconds): raise timeoutSeconds, or make it finish sooner`);
  }
}

/**
 * A task ended the process or could never end: it called `process.exit()`, or its hook awaited a
 * promise that nothing can settle (the event loop ran dry while it waited). Classified `user`:
 * the task's code is what to fix. The run goes on without it, as with any failure.
 */
export class TaskCrashedError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
