import { type DataInterval, type TaskResult, type WfLogger, type Workflow } from "../../src/index.js";
import { compileRunLogOptions, type AirflowBackend, type RunLogOptions, compileEventsOptions, compileProgressOptions, didYouMeanSuffix, InProcessEventBus, errorMessage, newTaskResult, taskLogger, withRunLifecycle, type AttemptStatus, type EventBus, type EventsOptions, type ProgressOptions, type TelemetryOptions, type TraceParent } from "../../src/engine.js";
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
  /** The DAG run's data interval, as Airflow gave it; wins over `logicalDate`. */
  dataInterval?: DataInterval | undefined;
  /** The DAG run's logical date, when no data interval came with it: the interval follows from the schedule. */
  logicalDate?: Date | undefined;
  /** The dag id and dag hash the DAG file was exported with: the installed code must match. */
  expectedDagId?: string | undefined;
  expectedDagHash?: string | undefined;
  logger: WfLogger;
  bus?: EventBus | undefined;
  /**
   * Where events go besides `bus`'s listeners: the run's events.jsonl always, RabbitMQ with
   * `busUrl`. A crash of this process is reported after it, from events.jsonl, by the worker
   * command (`wf run-task --report-crash`).
   */
  events?: EventsOptions | undefined;
  /** Aborted on SIGTERM (Airflow's kill and timeouts): the task ends `terminated`. */
  signal: AbortSignal;
  /** `WF_HOME`: the run directory is `<home>/runs/<dagId>/<runId>`, shared by the run's tasks. */
  home: string;
  /** Where the task's attempt is recorded; default the file run log under `home`. */
  runLog?: RunLogOptions | undefined;
  /** The workflow module's folder (its package and git commit go into the run log). Default the current folder. */
  codeDir?: string | undefined;
  /**
   * How progress is reported. Nobody watches a worker live, so it is always log lines (or
   * nothing, with mode `off`), of the task and its sub-trackers: the run's count of tasks means
   * nothing in a process that runs one task. Default: log lines every 30 s.
   */
  progress?: ProgressOptions | undefined;
  /**
   * Airflow's Variables, Connections and XComs for `this.airflow`: the SDK runtime's (through
   * the supervisor). The BashOperator runtime has none: the task's `this.airflow` then says so.
   */
  airflow?: AirflowBackend | undefined;
  /**
   * Stop an attempt that runs longer than the task's `timeoutSeconds` here, as a failure (the SDK
   * runtime: Airflow's supervisor applies no `execution_timeout` to a stub task). Default false:
   * the BashOperator's `execution_timeout` stops the process.
   */
  enforceTimeout?: boolean | undefined;
  /** OpenTelemetry (`telemetryOptionsFromConfig`); undefined: off. */
  telemetry?: TelemetryOptions | undefined;
  /** The DAG run's parent trace context (its conf's `wfkit/traceparent` or `airflow/dagrun_parent_trace_context`). */
  traceParent?: TraceParent | undefined;
  /** The queue the task instance runs on (its span's `wfkit.queue`); default the task's `queue` setting. */
  queue?: string | undefined;
}

/**
 * Run one task of a workflow as one Airflow task instance: the full TaskBase lifecycle, once
 * (Airflow does the retries). Throws AirflowUnknownTaskError when the task is not in the
 * workflow, AirflowCodeMismatchError when the installed code is not the code the DAG was
 * exported from (both AirflowTaskErrors), and the errors of opening a run (invalid params, run
 * id, run directory). Otherwise returns the task's result: its status and its one attempt.
 */
export async function runAirflowTask(request: AirflowTaskRequest): Promise<TaskResult & { status: AttemptStatus }> {
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
  const progressOptions = request.progress ?? {};
  return withRunLifecycle(
    {
      workflow,
      engine: "airflow",
      scope: "task",
      task,
      params: request.params,
      runId: request.runId,
      dataInterval: request.dataInterval,
      logicalDate: request.logicalDate,
      logger: request.logger,
      bus: request.bus ?? new InProcessEventBus(),
      signal: request.signal,
      home: request.home,
      events: compileEventsOptions(request.events, request.home),
      runLog: compileRunLogOptions(request.runLog, request.home),
      codeDir: request.codeDir,
      airflow: request.airflow,
      telemetry: request.telemetry,
      traceParent: request.traceParent,
      progress: compileProgressOptions({
        ...progressOptions,
        mode: progressOptions.mode === "off" ? "off" : "log",
        levels: (progressOptions.levels ?? ["tasks", "steps"]).filter((level) => level !== "run"),
      }),
    },
    async (run) => {
      const result = newTaskResult(node);
      // Airflow decides about retries: one attempt here, every failed try reported in full in its own task log.
      // Airflow tries the task `retries` more times (the DAG has the workflow's retries): a
      // failed try before the last says `task.retrying`, as a local run would.
      const retries = node.settings.retries;
      const status = await run.runTask(node, result, {
        firstAttempt: request.attempt,
        lastAttempt: request.attempt,
        retriedElsewhere: request.attempt <= retries ? true : undefined,
        timeoutSeconds: request.enforceTimeout === true ? node.settings.timeoutSeconds : undefined,
        queue: request.queue,
      });
      const log = taskLogger(run.context, task, request.attempt);
      if (status === "skipped") log.info(`task skipped: ${errorMessage(result.error)}`);
      else if (status === "terminated") log.warn(`task terminated, rollback and teardown ran: ${errorMessage(result.error)}`);
      return { ...result, status };
    },
  );
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
