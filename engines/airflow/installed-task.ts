import type { Workflow } from "../../src/index.js";
import type { WfConfig } from "../../src/engine.js";

/**
 * One task of an installed workflow package that `wf run-task` was asked to run, as both Airflow
 * runtimes take it: the BashOperator's (`worker/`, which adds the run's id, params, try number and
 * dates from its options) and the SDK runtime's (`sdk/`, which has them from Airflow).
 */
export interface InstalledTaskRequest {
  /** The module that exports the workflow, as given, and the folder it is relative to. */
  module: string;
  cwd: string;
  task: string;
  /** Which workflow of the module: export name, name or dag id. */
  workflow: string | undefined;
  /** The dag id and dag hash the DAG was exported with: the installed code must match. */
  dagId: string | undefined;
  dagHash: string | undefined;
  debug: boolean;
  /** The worker's WF_HOME, absolute: the run directory is `<home>/runs/<dagId>/<runId>`. */
  home: string;
  /** The WF_* configuration, read once by the process that compiled this request. */
  config: WfConfig;
}

/**
 * Loads the workflow a task belongs to from its module (`selector`: export name, name or dag id).
 * The CLI hands in build-utils' loader (engines do not import build-utils); a compiled module,
 * its own exports.
 */
export type WorkflowLoader = (module: string, cwd: string, selector: string | undefined) => Promise<Workflow>;
