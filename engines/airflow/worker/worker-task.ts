import { type DataInterval } from "../../../src/index.js";
import path from "node:path";
import { preloadTelemetry, telemetryOptionsFromConfig, createLoggerFromConfig, runLogOptionsFromConfig, eventsOptionsFromConfig, InProcessEventBus, progressOptionsFromConfig, signalExitCode, watchStopSignals } from "../../../src/engine.js";
import { airflowExitCode, runAirflowTask } from "../airflow-task.js";
import type { WorkerTaskRequest } from "./worker-request.js";
import type { WorkflowLoader } from "../installed-task.js";

export type { WorkflowLoader } from "../installed-task.js";

/**
 * Run one task as one Airflow task instance in this process and return the exit code Airflow
 * reads: 0 success, 99 skipped, 1 failed, 143/130 when SIGTERM/SIGINT stopped it. This process
 * publishes the task's events itself; a death that leaves no ending event is reported after it
 * by the worker command (reportTaskCrash).
 */
export async function runWorkerTask(request: WorkerTaskRequest, load: WorkflowLoader, say: (text: string) => void): Promise<number> {
  const { config } = request;
  const telemetry = telemetryOptionsFromConfig(config);
  // The SDK's chunk loads while the workflow module does: a task with telemetry on starts sooner.
  // A load that fails is the run's to say (it tries again, and warns).
  if (telemetry !== undefined) preloadTelemetry(telemetry).catch(() => {});
  const workflow = await load(request.module, request.cwd, request.workflow ?? request.dagId);
  const stop = watchStopSignals(say, `task ${request.task}`);
  const logger = createLoggerFromConfig(config, request.debug ? "debug" : undefined);
  if (request.traceProblem !== undefined) logger.child("wfkit.telemetry").warn(`the DAG run's trace context is ignored: ${request.traceProblem}`);
  const bus = new InProcessEventBus((error, event) => logger.child("wfkit.events").warn("an event listener threw", { event: event.type, error }));
  try {
    const result = await runAirflowTask({
      workflow,
      task: request.task,
      runId: request.runId,
      params: request.params,
      attempt: request.attempt,
      ...datesOf(request.dates),
      expectedDagId: request.dagId,
      expectedDagHash: request.dagHash,
      logger,
      bus,
      events: eventsOptionsFromConfig(config),
      signal: stop.signal,
      home: request.home,
      runLog: runLogOptionsFromConfig(config),
      codeDir: path.dirname(path.resolve(request.cwd, request.module)),
      progress: progressOptionsFromConfig(config),
      telemetry,
      traceParent: request.traceParent,
    });
    if (result.status === "terminated") {
      const stoppedBy = stop.stoppedBy();
      if (stoppedBy !== undefined) return signalExitCode(stoppedBy);
    }
    return airflowExitCode(result.status);
  } finally {
    stop.dispose();
    await logger.close();
  }
}

/** The request's dates as the run lifecycle takes them: a whole data interval, or a logical date to derive it from. */
function datesOf(dates: WorkerTaskRequest["dates"]): { dataInterval?: DataInterval; logicalDate?: Date } {
  const logicalDate = dates.logicalDate === undefined ? undefined : new Date(dates.logicalDate);
  if (dates.start === undefined || dates.end === undefined) return logicalDate === undefined ? {} : { logicalDate };
  const start = new Date(dates.start);
  return { dataInterval: { logicalDate: logicalDate ?? start, start, end: new Date(dates.end) } };
}
