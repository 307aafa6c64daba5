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

/**
 * A task used `this.airflow` (Airflow Variables, Connections, XCom) on a run that has no Airflow
 * behind it: on Airflow's SDK runtime it has one; locally and in tests `runLocal` gives a
 * stand-in with its `airflow` option. Classified `user`: run it there, or give the stand-in.
 */
export class AirflowUnavailableError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/**
 * `this.airflow.variable(key)` of a variable Airflow does not have, with no fallback given.
 * Classified `config`: define the variable in Airflow (or in `runLocal`'s `airflow.variables`),
 * or give a fallback.
 */
export class AirflowVariableNotFoundError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";

  constructor(
    /** The variable's key. */
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `this.airflow.connection(id)` of a connection Airflow does not have. Classified `config`:
 * define the connection in Airflow (or in `runLocal`'s `airflow.connections`).
 */
export class AirflowConnectionNotFoundError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";

  constructor(
    /** The connection's id. */
    readonly connectionId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A connection Airflow has but that cannot be used as it is: its `extra` is not a JSON object.
 * Classified `config`: fix the connection in Airflow (or in `runLocal`'s `airflow.connections`).
 */
export class AirflowConnectionError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/**
 * `this.airflow.xcom.push(key, value)` of a value that would not come back the same from JSON
 * (XComs are stored as JSON), or with an unusable key. Classified `user`: push plain objects,
 * arrays, strings, numbers, booleans and null.
 */
export class AirflowXComError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
