/**
 * The Airflow engine: renders each workflow version as an Airflow DAG file (one
 * `WfkitTaskOperator`, a BashOperator subclass, per task) and runs one task on a worker behind
 * `wf run-task`. Rendering loads handlebars on first use only, so the worker path stays light.
 *
 * @packageDocumentation
 * @module wfkit/airflow
 */

/** Render a workflow as a DAG file, and what it needs to know about the workflow's package. */
export { renderAirflowDag, type RenderedDag } from "./render-dag.js";
export type { AirflowDagSource } from "./dag-source.js";
/** Export options: schema, user type, resolved type and the resolver. */
export {
  AirflowExportOptionsSchema,
  compileAirflowExportOptions,
  type AirflowExportOptions,
  type CompiledAirflowExportOptions,
} from "./airflow-export-options.js";
/** Run one task as one Airflow task instance, and the exit code that tells Airflow how it ended. */
export { runAirflowTask, airflowExitCode, type AirflowTaskRequest } from "./airflow-task.js";
/**
 * The worker side of `wf run-task`: its arguments read from one option table, compiled once
 * into a request, the task run in this one process, and the crash report the worker command
 * asks for when that process died by a signal. `runCompiledTask` is the entry point of a
 * workflow module compiled by `wf install`.
 */
export { compileWorkerTaskRequest, type WorkerTaskRequest } from "./worker/worker-request.js";
export { parseRunTaskArgs, RUN_TASK_OPTIONS, type RunTaskArgs, type RunTaskOption, type WorkerTaskOptions } from "./worker/run-task-args.js";
export { runTaskMain, runCompiledTask, reportWorkerError, type WorkerIo } from "./worker/run-task-main.js";
export { runWorkerTask, type WorkflowLoader } from "./worker/worker-task.js";
export { compiledTwinPath, COMPILED_SUFFIX } from "./worker/compiled-twin.js";
/** Airflow Params from a zod params schema. */
export { airflowParams, type AirflowParamSpec } from "./airflow-params.js";
/** The typed Python-literal escaping every generated value goes through. */
export { PyCode, pyStr, pyLines, pyInt, pyNumber, pyBool, pyValue, toPyValue, type PyValue } from "./py-literal.js";
/** The fixed worker command of every operator and the skip exit code. */
export { WORKER_COMMAND, SKIP_EXIT_CODE } from "./worker-command.js";
/**
 * Errors of this engine: a workflow it cannot render (and bad export options), and a task
 * `wf run-task` cannot run (installed code that is not the exported code, an unknown task).
 */
export {
  AirflowExportError,
  AirflowExportOptionsError,
  AirflowTaskError,
  AirflowCodeMismatchError,
  AirflowUnknownTaskError,
  AirflowWorkerOptionsError,
} from "./errors.js";
