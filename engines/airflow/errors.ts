import { WfkitError, type ResolvableBy } from "../../src/index.js";

/**
 * A workflow that cannot become an Airflow DAG (a tag too long, a default with no JSON form…):
 * the engine cannot render it, and the fix is in the workflow.
 */
export class AirflowExportError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** Options of the Airflow export that do not fit their schema. */
export class AirflowExportOptionsError extends AirflowExportError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/**
 * `wf run-task` cannot run the task it was asked for. Base of the specific errors below, so
 * that one `instanceof AirflowTaskError` catches them all.
 */
export class AirflowTaskError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}

/**
 * The code installed on the worker is not the code the DAG file was exported from: it defines
 * another dag id (another version) or another task graph (changed without a new version).
 */
export class AirflowCodeMismatchError extends AirflowTaskError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}

/**
 * The workflow has no task of the name asked for. The generated DAGs pass the dag hash, so on
 * Airflow a mismatch is reported first; this one is a name typed by hand.
 */
export class AirflowUnknownTaskError extends AirflowTaskError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/**
 * `wf run-task` was given options it cannot use (an attempt that is no whole number, params that
 * are not a JSON object, a run id with a path in it): refused before anything runs.
 */
export class AirflowWorkerOptionsError extends AirflowTaskError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
