import {
  didYouMeanSuffix,
  InProcessEventBus,
  prepareRun,
  runTaskAttempt,
  type AttemptOutcome,
  type AttemptStatus,
  type EventBus,
  type WfLogger,
  type Workflow,
} from "../../src/index.js";
import { AirflowTaskError } from "./errors.js";
import { SKIP_EXIT_CODE } from "./worker-command.js";

/** One task of one Airflow task instance, as the generated operator asks for it. */
export interface AirflowTaskRequest {
  workflow: Workflow;
  /** The task's name (its Airflow task_id). */
  task: string;
  /** wfkit's run id (the DAG passes dag_run.conf.run_id or Airflow's run id). */
  runId: string;
  /** Raw run parameters; validated against the workflow's params schema here. */
  params: Record<string, unknown>;
  /** Airflow's try number: 1 on the first try. */
  attempt: number;
  /** The dag id and dag hash the DAG file was exported with: the installed code must match. */
  expectedDagId?: string | undefined;
  expectedDagHash?: string | undefined;
  logger: WfLogger;
  bus?: EventBus | undefined;
  /** Aborted on SIGTERM (Airflow's kill and timeouts): the task ends `terminated`. */
  signal: AbortSignal;
  /** `WF_HOME`: the run directory is `<home>/runs/<runId>`, shared by the run's tasks. */
  home: string;
}

/**
 * Run one task of a workflow as one Airflow task instance: the full TaskBase lifecycle, once
 * (Airflow does the retries). Throws AirflowTaskError when the task is not in the workflow or
 * the installed code is not the code the DAG was exported from, and the errors of `prepareRun`
 * (invalid params, run id, run directory). Otherwise returns how the attempt ended.
 */
export async function runAirflowTask(request: AirflowTaskRequest): Promise<AttemptOutcome> {
  const { workflow, task } = request;
  if (request.expectedDagId !== undefined && request.expectedDagId !== workflow.dagId) {
    throw new AirflowTaskError(
      `this DAG is ${request.expectedDagId}, but the installed module defines ${workflow.dagId}: the version installed on the worker is not the one this DAG was exported from; export again or install the matching version`,
    );
  }
  workflow.assertValid();
  if (request.expectedDagHash !== undefined && request.expectedDagHash !== workflow.dagHash()) {
    throw new AirflowTaskError(
      `${workflow.dagId}: the installed code's task graph (dag hash ${workflow.dagHash().slice(0, 12)}) differs from the exported DAG's (${request.expectedDagHash.slice(0, 12)}): the workflow changed without a new version. Bump the workflow's version and export again, or install the code this DAG was exported from`,
    );
  }
  const node = workflow.nodes.find((n) => n.name === task);
  if (node === undefined) {
    const names = workflow.nodes.map((n) => n.name);
    throw new AirflowTaskError(`${workflow.dagId} has no task "${task}"${didYouMeanSuffix(task, names)}; tasks: ${names.join(", ")}`);
  }
  const run = await prepareRun({
    workflow,
    engine: "airflow",
    params: request.params,
    runId: request.runId,
    logger: request.logger,
    bus: request.bus ?? new InProcessEventBus(),
    signal: request.signal,
    home: request.home,
  });
  return runTaskAttempt(node.task, run, request.attempt, run.progress.child(task));
}

/** The exit code Airflow's BashOperator understands: 0 success, 99 skipped, 1 failed, 143 terminated. */
export function airflowExitCode(status: AttemptStatus): number {
  switch (status) {
    case "success":
      return 0;
    case "skipped":
      return SKIP_EXIT_CODE;
    case "terminated":
      return 143;
    default:
      return 1;
  }
}
