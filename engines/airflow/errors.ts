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

/**
 * The SDK runtime (`wf run-task --comm … --logs …`, started by Airflow's coordinator) could not
 * speak with Airflow's supervisor: a socket that would not connect or closed early, a frame that
 * is not the protocol's, an answer of the wrong type.
 */
export class AirflowSdkProtocolError extends AirflowTaskError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}

/**
 * Airflow's supervisor answered a request of the SDK runtime with an error: its code
 * (`VARIABLE_NOT_FOUND`, `API_SERVER_ERROR`…) and the HTTP status of the API server's answer.
 */
export class AirflowSdkRequestError extends AirflowTaskError {
  static override readonly resolvableBy: ResolvableBy = "platform";
  readonly errorCode: string;
  readonly statusCode: number | undefined;

  constructor(message: string, errorCode: string, statusCode: number | undefined) {
    super(message);
    this.errorCode = errorCode;
    this.statusCode = statusCode;
  }

  /** A "not found" answer: a variable, connection or XCom Airflow does not have. */
  get notFound(): boolean {
    return this.errorCode.endsWith("_NOT_FOUND") || this.statusCode === 404;
  }
}
