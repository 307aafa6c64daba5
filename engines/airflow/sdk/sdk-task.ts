import path from "node:path";
import { WfkitError, type DataInterval, type Workflow } from "../../../src/index.js";
import { preloadTelemetry, isReservedConfKey, telemetryOptionsFromConfig, traceParentOfConf, type TraceParent, createLogger, errorMessage, eventsOptionsFromConfig, InProcessEventBus, loggerOptionsFromConfig, progressOptionsFromConfig, runLogOptionsFromConfig, signalExitCode, watchStopSignals, type LogLevel, type RootLogger } from "../../../src/engine.js";
import { airflowParams } from "../airflow-params.js";
import { runAirflowTask } from "../airflow-task.js";
import { AirflowWorkerOptionsError } from "../errors.js";
import type { InstalledTaskRequest, WorkflowLoader } from "../installed-task.js";
import { LogSocket } from "./log-socket.js";
import { SdkAirflowBackend } from "./sdk-airflow-backend.js";
import { parseStartupDetails, type StartupDetails } from "./startup-details.js";
import { SupervisorChannel } from "./supervisor-channel.js";

/** Where the coordinator said to connect: `--comm` and `--logs`. */
export interface SdkSockets {
  comm: string;
  logs: string;
}

/** Python's logging level names (AIRFLOW__LOGGING__LOGGING_LEVEL, which the coordinator passes on) as wfkit's levels. */
const FROM_AIRFLOW_LEVEL: Readonly<Record<string, LogLevel>> = { DEBUG: "debug", INFO: "info", WARNING: "warn", WARN: "warn", ERROR: "error", CRITICAL: "fatal", FATAL: "fatal" };

/**
 * Run one task as one Airflow task instance on the SDK runtime: Airflow's coordinator started
 * this process with `--comm` and `--logs`. The task's identity comes from the supervisor's
 * StartupDetails (run id, try number, conf, dates), its log lines go to the log socket at their
 * levels, `this.airflow` reaches Variables, Connections and XComs through the supervisor, and the
 * task ends by telling the supervisor its state: success, skipped, up for retry (a failure while
 * Airflow has tries left), or failed — at once, without retries, for bad input (params, a
 * different install, configuration). Returns the process's exit code: 0 once the supervisor has
 * the state; 143/130 when SIGTERM/SIGINT stopped the task (Airflow decides the state then); 1
 * when the supervisor could not be told.
 */
export async function runSdkTask(request: InstalledTaskRequest, sockets: SdkSockets, load: WorkflowLoader, env: NodeJS.ProcessEnv, say: (text: string) => void): Promise<number> {
  const logs = await LogSocket.connect(sockets.logs);
  let channel: SupervisorChannel | undefined;
  let logger: RootLogger | undefined;
  // Airflow's stop (SIGTERM) is said at WARNING in the task's log, through the logger once there is one.
  const stop = watchStopSignals((text) => (logger === undefined ? say(text) : logger.child("wfkit.worker").warn(text.replace(/^wf: /, "").trim())), `task ${request.task}`);
  try {
    logger = sdkLogger(request, logs, env);
    channel = await SupervisorChannel.connect(sockets.comm);
    const details = parseStartupDetails((await channel.firstFrame()).body);
    const { ti } = details;
    const endWith = async (state: Record<string, unknown>): Promise<number> => {
      await channel!.request({ end_date: new Date().toISOString(), ...state });
      return 0;
    };
    let outcome;
    try {
      const telemetry = telemetryOptionsFromConfig(request.config);
      // The SDK's chunk loads while the workflow module does (see worker-task.ts).
      if (telemetry !== undefined) preloadTelemetry(telemetry).catch(() => {});
      if (ti.task_id !== request.task) throw new AirflowWorkerOptionsError(`Airflow started task ${ti.task_id}, but the coordinator asked wfkit for ${request.task}: the coordinator's configuration is wrong`);
      const workflow = await load(request.module, request.cwd, request.workflow ?? request.dagId);
      const conf = details.ti_context.dag_run.conf ?? {};
      const trace = traceOf(conf);
      if (trace.problem !== undefined) logger.child("wfkit.telemetry").warn(`the DAG run's trace context is ignored: ${trace.problem}`);
      outcome = await runAirflowTask({
        workflow,
        task: request.task,
        runId: runIdOf(conf, ti.run_id),
        params: paramsOf(conf, workflow),
        attempt: Math.max(ti.try_number, 1),
        ...datesOf(details.ti_context.dag_run),
        expectedDagId: request.dagId,
        expectedDagHash: request.dagHash,
        logger,
        bus: new InProcessEventBus((error, event) => logger!.child("wfkit.events").warn("an event listener threw", { event: event.type, error })),
        events: eventsOptionsFromConfig(request.config),
        signal: stop.signal,
        home: request.home,
        runLog: runLogOptionsFromConfig(request.config),
        codeDir: path.dirname(path.resolve(request.cwd, request.module)),
        progress: progressOptionsFromConfig(request.config),
        airflow: new SdkAirflowBackend(channel, ti),
        enforceTimeout: true,
        telemetry,
        traceParent: trace.parent,
        queue: ti.queue ?? undefined,
      });
    } catch (error) {
      // Refused before the task ran (params, a different install, configuration): every retry
      // would be refused the same way, so the task fails at once.
      if (!(error instanceof WfkitError)) throw error;
      logger.child("wfkit.worker").error(`task refused: ${errorMessage(error)}`, { error: error.name });
      return await endWith({ type: "TaskState", state: "failed" });
    }
    switch (outcome.status) {
      case "success":
        return await endWith({ type: "SucceedTask", task_outlets: [], outlet_events: [] });
      case "skipped":
        return await endWith({ type: "TaskState", state: "skipped" });
      case "terminated": {
        const stoppedBy = stop.stoppedBy();
        // Stopped by Airflow (a kill, a clear): the supervisor already knows the state.
        if (stoppedBy !== undefined) return signalExitCode(stoppedBy);
        return await failed(details, outcome.error, endWith);
      }
      default:
        return await failed(details, outcome.error, endWith);
    }
  } catch (error) {
    const text = `wfkit could not run the task on Airflow's SDK runtime: ${errorMessage(error)}`;
    if (logger !== undefined) logger.child("wfkit.worker").error(text, { error });
    else logs.send({ timestamp: new Date().toISOString(), level: "error", event: text, logger: "wfkit.worker" });
    return 1;
  } finally {
    stop.dispose();
    await logger?.close();
    await channel?.close();
    await logs.close();
  }
}

/** A failed attempt: up for retry while Airflow has tries left (its reason recorded), else failed. */
async function failed(details: StartupDetails, error: unknown, endWith: (state: Record<string, unknown>) => Promise<number>): Promise<number> {
  if (details.ti_context.should_retry === true) return await endWith({ type: "RetryTask", retry_reason: errorMessage(error).slice(0, 500) });
  return await endWith({ type: "TaskState", state: "failed" });
}

/**
 * wfkit's logger for the task, writing to the log socket: JSON lines made into Airflow's records.
 * Its level is WF_LOG_LEVEL when set on the worker, else Airflow's own logging level.
 */
function sdkLogger(request: InstalledTaskRequest, logs: LogSocket, env: NodeJS.ProcessEnv): RootLogger {
  const airflowLevel = FROM_AIRFLOW_LEVEL[(env["AIRFLOW__LOGGING__LOGGING_LEVEL"] ?? "").trim().toUpperCase()];
  const level: LogLevel | undefined = request.debug ? "debug" : env["WF_LOG_LEVEL"] === undefined || env["WF_LOG_LEVEL"] === "" ? airflowLevel : undefined;
  const options = loggerOptionsFromConfig(request.config, level, { stdout: {}, stderr: {} }, env);
  return createLogger({ ...options, format: "json", color: false, interactive: false, exceptionFormatter: "plain", metadata: undefined, sync: true, destination: (line: string) => logs.sendWfkitLine(line) });
}

/** wfkit's run id: the conf's `run_id` when given (as the BashOperator DAG's `wf_run_id`), else Airflow's run id. */
function runIdOf(conf: Record<string, unknown>, airflowRunId: string): string {
  const given = conf["run_id"];
  return given === undefined || given === null || given === "" ? airflowRunId : String(given);
}

/**
 * The run's params from the DAG run's conf, as the BashOperator DAG's `wf_params` makes them:
 * every conf key (an unknown one is reported by wfkit, not dropped) but settings under `wfkit/`
 * and `airflow/` (a parent trace context), without `run_id` unless
 * the workflow has such a param, and without a `null` Airflow gives an optional param that has
 * no default. The param defaults Airflow would add are the workflow's own, applied by wfkit.
 */
function paramsOf(conf: Record<string, unknown>, workflow: Workflow): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const key in conf) if (!isReservedConfKey(key)) params[key] = conf[key];
  const shape = workflow.params === undefined ? {} : (workflow.params.shape as Record<string, unknown>);
  if (!Object.hasOwn(shape, "run_id")) delete params["run_id"];
  if (Object.values(params).includes(null)) {
    for (const spec of airflowParams(workflow.params, workflow.dagId)) if (spec.omitWhenNone && params[spec.name] === null) delete params[spec.name];
  }
  return params;
}

/** The conf's parent trace context; a bad one is a problem to say (W3C has a receiver ignore it), not a failure. */
function traceOf(conf: Record<string, unknown>): { parent?: TraceParent | undefined; problem?: string | undefined } {
  try {
    return { parent: traceParentOfConf(conf) };
  } catch (error) {
    return { problem: errorMessage(error) };
  }
}

/** The DAG run's dates as the run lifecycle takes them (an Airflow 3 run without a logical date has its run_after). */
function datesOf(run: StartupDetails["ti_context"]["dag_run"]): { dataInterval?: DataInterval; logicalDate?: Date } {
  const logicalDate = run.logical_date ?? run.run_after ?? undefined;
  if (run.data_interval_start == null || run.data_interval_end == null) return logicalDate === undefined ? {} : { logicalDate };
  return { dataInterval: { logicalDate: logicalDate ?? run.data_interval_start, start: run.data_interval_start, end: run.data_interval_end } };
}
