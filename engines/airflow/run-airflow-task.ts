import type { WfLogger, Workflow } from "../../src/index.js";
import {
  compileProgressOptions,
  startProgress,
  taskTracker,
  type ProgressOptions,
  didYouMeanSuffix,
  InProcessEventBus,
  errorMessage,
  prepareRun,
  reportTaskFailure,
  runTaskAttempt,
  taskLogger,
  type AttemptOutcome,
  type AttemptStatus,
  type EventBus,
  type EventsOptions,
} from "../../src/engine.js";
import { AirflowCodeMismatchError, AirflowUnknownTaskError } from "./errors.js";
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
  /**
   * Where events go besides `bus`'s listeners: the run's events.jsonl always, RabbitMQ with
   * `busUrl`. `wf run-task` leaves `busUrl` out here: its supervisor process publishes what
   * `bus` hands it, so that a crash of this process is reported too.
   */
  events?: EventsOptions | undefined;
  /** Aborted on SIGTERM (Airflow's kill and timeouts): the task ends `terminated`. */
  signal: AbortSignal;
  /** `WF_HOME`: the run directory is `<home>/runs/<runId>`, shared by the run's tasks. */
  home: string;
  /**
   * How progress is reported. Nobody watches a worker live, so it is always log lines (or
   * nothing, with mode `off`), of the task and its sub-trackers: the run's count of tasks means
   * nothing in a process that runs one task. Default: log lines every 30 s.
   */
  progress?: ProgressOptions | undefined;
}

/**
 * Run one task of a workflow as one Airflow task instance: the full TaskBase lifecycle, once
 * (Airflow does the retries). Throws AirflowUnknownTaskError when the task is not in the
 * workflow, AirflowCodeMismatchError when the installed code is not the code the DAG was
 * exported from (both AirflowTaskErrors), and the errors of `prepareRun`
 * (invalid params, run id, run directory). Otherwise returns how the attempt ended.
 */
export async function runAirflowTask(request: AirflowTaskRequest): Promise<AttemptOutcome> {
  const { workflow, task } = request;
  if (request.expectedDagId !== undefined && request.expectedDagId !== workflow.dagId) {
    throw new AirflowCodeMismatchError(
      `this DAG is ${request.expectedDagId}, but the installed module defines ${workflow.dagId}: the version installed on the worker is not the one this DAG was exported from; export again or install the matching version`,
    );
  }
  workflow.assertValid();
  if (request.expectedDagHash !== undefined && request.expectedDagHash !== workflow.dagHash()) {
    throw new AirflowCodeMismatchError(
      `${workflow.dagId}: the installed code's task graph (dag hash ${workflow.dagHash().slice(0, 12)}) differs from the exported DAG's (${request.expectedDagHash.slice(0, 12)}): the workflow changed without a new version. Bump the workflow's version and export again, or install the code this DAG was exported from`,
    );
  }
  const node = workflow.nodes.find((n) => n.name === task);
  if (node === undefined) {
    const names = workflow.nodes.map((n) => n.name);
    throw new AirflowUnknownTaskError(`${workflow.dagId} has no task "${task}"${didYouMeanSuffix(task, names)}; give one of its tasks: ${names.join(", ")}`);
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
    events: request.events,
  });
  const progressOptions = request.progress ?? {};
  const presenter = startProgress(
    run.progress,
    compileProgressOptions({
      ...progressOptions,
      mode: progressOptions.mode === "off" ? "off" : "log",
      levels: (progressOptions.levels ?? ["tasks", "steps"]).filter((level) => level !== "run"),
    }),
  );
  try {
    const outcome = await runTaskAttempt(node.task, run, request.attempt, taskTracker(run, task, request.attempt));
    presenter.stop();
    // Airflow decides about retries: every failed try is reported in full, in its own task log.
    if (outcome.status === "failed") {
      await reportTaskFailure(taskLogger(run, task, request.attempt), { task, dagId: run.dagId, attempt: request.attempt, error: outcome.error });
    } else if (outcome.status === "skipped") {
      taskLogger(run, task, request.attempt).info(`task skipped: ${errorMessage(outcome.error)}`);
    } else if (outcome.status === "terminated") {
      taskLogger(run, task, request.attempt).warn(`task terminated, rollback and teardown ran: ${errorMessage(outcome.error)}`);
    }
    return outcome;
  } finally {
    presenter.stop();
    await run.closeEvents();
    run.closeRunLog();
  }
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
