import type { Workflow, WorkflowNode } from "../workflow/workflow.js";
import { parseRunParams } from "../workflow/params.js";
import type { WfLogger } from "../logging/logger.js";
import { ProgressTracker } from "../progress/progress-tracker.js";
import type { EventBus } from "../events/event-bus.js";
import type { EngineName } from "../events/wf-event.js";
import type { RunContext } from "./run-context.js";
import { createRunDir } from "./run-dir.js";
import { moveOldRunFolders } from "./old-run-folders.js";
import { CATALOG_DIR, FileCatalogStore } from "../catalog/file-catalog-store.js";
import { lockRun } from "./run-lock.js";
import type { RunScope } from "./run-steps.js";
import { checkRunId, newRunId } from "./run-id.js";
import { RunDirError } from "./errors.js";
import { attachRunLogFile, type RunLogFile } from "../logging/run-log-file.js";
import { loggerReady, maskerOf } from "../logging/logger.js";
import { paramSecrets } from "./run-secrets.js";
import { errorMessage } from "../errors/wfkit-error.js";
import path from "node:path";
import { deepFreeze } from "../util/deep-freeze.js";
import type { CompiledEventsOptions } from "../events/events-options.js";
import { openRunEvents } from "../events/open-run-events.js";
import { WriteFailures } from "./write-failures.js";
import type { CompiledRunLogOptions } from "../run-log/run-log-options.js";
import { LazyAuditStore } from "../audit/open-audit-store.js";
import type { Masker } from "../logging/mask.js";
import type { Dataset } from "../events/audit-fields.js";
import { dataIntervalAt, manualDataInterval, parseSchedule, type DataInterval } from "../workflow/schedule.js";
import type { RunTelemetry } from "../telemetry/run-telemetry.js";
import type { TelemetryOptions } from "../telemetry/telemetry-options.js";
import type { TraceParent } from "../telemetry/trace-parent.js";
import { openTelemetry } from "../telemetry/open-telemetry.js";
import type { AirflowBackend } from "../task/airflow-access.js";

/** The run log's file name in the run directory. */
export const RUN_LOG_FILE = "run.log";

/** What opening a run's context needs. */
export interface RunContextInput {
  workflow: Workflow;
  engine: EngineName;
  /** Raw run parameters; validated against the workflow's params schema. */
  params: Record<string, unknown>;
  runId?: string | undefined;
  logger: WfLogger;
  bus: EventBus;
  signal: AbortSignal;
  /** `WF_HOME`: run directories go to `<home>/runs/<dagId>/<runId>`. */
  home: string;
  /** Where events go besides `bus`'s listeners: always `events.jsonl`, RabbitMQ with `busUrl`. */
  events: CompiledEventsOptions;
  /**
   * `run`: this process runs the run whole and takes its lock (a second process with the same
   * run id is refused). `task`: one task of a run that other processes share (no lock).
   */
  scope: RunScope;
  /** Where the run is recorded: the audit's extracts are kept in the same store. */
  runLog: CompiledRunLogOptions;
  /** The data interval as the scheduler gave it (Airflow's DAG run); wins over `logicalDate`. */
  dataInterval?: DataInterval | undefined;
  /**
   * The run's logical date (`wf run --logical-date`): the data interval runs from it to the
   * schedule's next tick. Default: a run started by hand now, given the last complete interval.
   */
  logicalDate?: Date | undefined;
  /** What `this.airflow` of the run's tasks reads and writes; without it, `this.airflow` throws AirflowUnavailableError. */
  airflow?: AirflowBackend | undefined;
  /** OpenTelemetry (`telemetryOptionsFromConfig`); undefined: off, nothing is loaded. */
  telemetry?: TelemetryOptions | undefined;
  /** The trace context that parents the run's spans (`wf run --traceparent`, a DAG run's conf). */
  traceParent?: TraceParent | undefined;
}

/** A run's context and the outputs that the run lifecycle flushes and closes. */
export interface RunOutputs {
  readonly context: RunContext;
  /** Write out what waits for the run's events file and run log, now (a failure goes to `context.writeFailures`). */
  flushFiles(): void;
  /** Wait (bounded) until the bus confirmed what was published so far. */
  flushEvents(): Promise<void>;
  /** Flush and close the event outputs (events file, bus connection): after the last event, before the run log. */
  closeEvents(): Promise<void>;
  /** End the run's span and send its telemetry (bounded); never throws. */
  closeTelemetry(): Promise<void>;
  /** Close the audit's store, if a task opened it. */
  closeAudit(): Promise<void>;
  /** Flush and close the run log, then release the run's lock (the last thing a run does). */
  closeRunLog(): void;
}

/**
 * Validate the workflow and the params, pick the run id, create the run directory, open its run
 * log and its event outputs (events.jsonl; RabbitMQ when configured). Params come back deeply
 * frozen. Takes the run's lock when the process runs it whole (`scope: "run"`). Throws
 * WorkflowValidationError, ParamsValidationError, InvalidRunIdError, RunInUseError, RunDirError,
 * EventStoreError or (strict bus) BusAccessRefusedError / BusUnavailableError.
 */
export async function openRunContext<P>(input: RunContextInput): Promise<RunOutputs & { context: RunContext<P> }> {
  const { workflow } = input;
  const eventsOptions = input.events;
  workflow.assertValid();
  // Frozen: on Airflow every task gets its own copy of the params, so a task that changed them
  // would behave differently here, where all tasks of a run share one object.
  const params = deepFreeze(parseRunParams(workflow.params, input.params, workflow.dagId)) as P;
  const runId = checkRunId(input.runId ?? newRunId());
  const runDir = await createRunDir(input.home, workflow.dagId, runId);
  // Before anything is written into the folder: a second run with this id writes nothing there.
  const unlock = input.scope === "run" ? lockRun(runDir, runId) : () => {};
  try {
    await loggerReady(input.logger);
  } catch (error) {
    unlock();
    throw error;
  }
  // The run's masking rule: the logger's, with the params' secret values. Its own instance (which
  // withSecrets always makes): what it learns during the run stays the run's.
  const baseMask = maskerOf(input.logger);
  const mask = baseMask.withSecrets(paramSecrets(params as Record<string, unknown>, workflow.params, baseMask));
  const declaredData = declaredDataOf(workflow, mask);
  // Each of the run's own files that cannot be written is said once, as it happens; the run
  // then ends failed (RunLifecycle.finish, close).
  let log: WfLogger | undefined;
  const writeFailures = new WriteFailures((file, error) =>
    log?.child("wfkit.run").error(`could not write ${file}: ${errorMessage(error)}; the ${input.scope === "run" ? "run" : "task"} will end failed`, { file }),
  );
  let runLog: RunLogFile;
  try {
    const runLogFile = path.join(runDir, RUN_LOG_FILE);
    runLog = attachRunLogFile(input.logger, runLogFile, mask, (error) => writeFailures.report(runLogFile, error));
  } catch (error) {
    unlock();
    throw new RunDirError(`cannot write the run log in ${runDir}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
  }
  log = runLog.logger;
  const old = moveOldRunFolders(input.home);
  if (old.moved > 0) log.child("wfkit.run").info(`moved ${old.moved} run folder${old.moved === 1 ? "" : "s"} of the old layout to runs/<dag id>/<run id>/`);
  for (const why of old.left) log.child("wfkit.run").warn(why);
  // In strict mode a bus that fails mid-run stops the run, as a cancel would.
  const busFailure = new AbortController();
  let events;
  try {
    events = await openRunEvents({
      datasets: declaredData,
      bus: input.bus,
      runDir,
      options: eventsOptions,
      logger: runLog.logger,
      onFileError: (file, error) => writeFailures.report(file, error),
      onFatal: (error) => {
        runLog.logger.child("wfkit.events.bus").error(errorMessage(error));
        busFailure.abort(error);
      },
    });
  } catch (error) {
    runLog.close();
    unlock();
    throw error;
  }
  let telemetry: RunTelemetry | undefined;
  if (input.telemetry !== undefined) {
    const identity = { runId, dagId: workflow.dagId, dagHash: workflow.dagHash(), workflow: workflow.name, version: workflow.version, engine: input.engine, scope: input.scope };
    try {
      const sdk = await openTelemetry(input.telemetry);
      telemetry = sdk.openRun(identity, input.traceParent, mask, (message) => runLog.logger.child("wfkit.telemetry").warn(message));
    } catch (error) {
      // Telemetry is an observer: a run never fails for it.
      runLog.logger.child("wfkit.telemetry").warn(`OpenTelemetry is off for this run: ${mask.text(errorMessage(error))}`);
    }
  }
  const context: RunContext<P> = {
    runId,
    workflowName: workflow.name,
    version: workflow.version,
    dagId: workflow.dagId,
    catalog: new FileCatalogStore(path.join(runDir, CATALOG_DIR)),
    declaredData,
    audit: { store: new LazyAuditStore(input.runLog), datasetTypes: workflow.options.datasetTypes },
    dagHash: workflow.dagHash(),
    engine: input.engine,
    params,
    dataInterval: input.dataInterval ?? dataIntervalOf(workflow, input.logicalDate),
    logger: runLog.logger,
    progress: new ProgressTracker(workflow.name, workflow.nodes.length, {
      unit: "tasks",
      logger: runLog.logger.child("wfkit.progress", { run_id: runId, dag_id: workflow.dagId }),
    }),
    bus: input.bus,
    signal: eventsOptions.strict && eventsOptions.busUrl !== undefined ? AbortSignal.any([input.signal, busFailure.signal]) : input.signal,
    runDir,
    runLogFile: runLog.file,
    eventsFile: events.file,
    progressEventIntervalMs: eventsOptions.progressIntervalSeconds * 1000,
    mask,
    airflow: input.airflow,
    telemetry,
    trace: telemetry?.ids,
    writeFailures,
  };
  return {
    context,
    flushFiles: () => {
      events.flushFile();
      runLog.flush();
    },
    flushEvents: events.flush,
    closeEvents: async () => {
      await events.close();
    },
    closeTelemetry: async () => {
      await telemetry?.close();
    },
    closeAudit: () => context.audit.store.close(),
    closeRunLog: () => {
      try {
        runLog.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * A task's declared catalog inputs and outputs, sources and targets, looked up by name: the map
 * is made on first use. Sources and targets are masked here, once, since they reach events,
 * OpenLineage and the run log (a source named by its URL may carry a password).
 */
function declaredDataOf(workflow: Workflow, mask: Masker): RunContext<unknown>["declaredData"] {
  let byTask: Map<string, WorkflowNode> | undefined;
  const masked = (list: readonly Dataset[] | undefined) => (list === undefined ? undefined : (mask.value(list, 0, undefined) as Dataset[]));
  return (task) => {
    byTask ??= new Map(
      workflow.nodes
        .filter((n) => n.inputs !== undefined || n.outputs !== undefined || n.sources !== undefined || n.targets !== undefined)
        .map((n) => [n.name, n.sources === undefined && n.targets === undefined ? n : { ...n, sources: masked(n.sources), targets: masked(n.targets) }]),
    );
    return byTask.get(task);
  };
}

/** The data interval of a run at `logicalDate` (or started by hand now) on the workflow's schedule. */
function dataIntervalOf(workflow: Workflow, logicalDate: Date | undefined): DataInterval {
  const parsed = parseSchedule(workflow.options.schedule);
  // A valid workflow's schedule parses; were it not, the run covers its instant, as without one.
  const schedule = "problem" in parsed ? ({ kind: "none" } as const) : parsed;
  return logicalDate === undefined ? manualDataInterval(schedule, new Date()) : dataIntervalAt(schedule, logicalDate);
}
