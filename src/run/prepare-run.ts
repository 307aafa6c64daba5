import type { Workflow } from "../workflow/workflow.js";
import { parseRunParams } from "../workflow/params.js";
import type { WfLogger } from "../logging/logger.js";
import { ProgressTracker } from "../progress/progress-tracker.js";
import type { EventBus } from "../events/event-bus.js";
import type { EngineName } from "../events/wf-event.js";
import type { RunContext } from "./run-context.js";
import { createRunDir } from "./run-dir.js";
import { newRunId, RunIdSchema } from "./run-id.js";
import { InvalidRunIdError, RunDirError } from "./errors.js";
import { openRunLog, type RunLog } from "../logging/run-log.js";
import { loggerReady } from "../logging/logger.js";
import { errorMessage } from "../errors/wfkit-error.js";
import path from "node:path";

/** The run log's file name in the run directory. */
export const RUN_LOG_FILE = "run.log";
import { deepFreeze } from "../util/deep-freeze.js";
import { compileEventsOptions, type EventsOptions } from "../events/events-options.js";
import { openRunEvents } from "../events/open-run-events.js";

/** What an engine needs to start a run. */
export interface PrepareRunInput {
  workflow: Workflow;
  engine: EngineName;
  /** Raw run parameters; validated against the workflow's params schema. */
  params: Record<string, unknown>;
  runId?: string | undefined;
  logger: WfLogger;
  bus: EventBus;
  signal: AbortSignal;
  /** `WF_HOME`: run directories go to `<home>/runs/<runId>`. */
  home: string;
  /** Where events go besides `bus`'s listeners: always `events.jsonl`, RabbitMQ with `busUrl`. Default: no bus. */
  events?: EventsOptions | undefined;
}

/**
 * Validate the workflow and the params, pick the run id, create the run directory, open its run log and
 * its event outputs (events.jsonl; RabbitMQ when configured): the
 * common start of a run on every engine. Params come back deeply frozen. Throws
 * WorkflowValidationError, ParamsValidationError, InvalidRunIdError, RunDirError, EventsOptionsError,
 * EventStoreError or (strict bus) BusAccessRefusedError / BusUnavailableError.
 */
export async function prepareRun<P>(input: PrepareRunInput): Promise<RunContext<P>> {
  const { workflow } = input;
  const eventsOptions = compileEventsOptions(input.events, input.home);
  workflow.assertValid();
  // Frozen: on Airflow every task gets its own copy of the params, so a task that changed them
  // would behave differently here, where all tasks of a run share one object.
  const params = deepFreeze(parseRunParams(workflow.params, input.params, workflow.dagId)) as P;
  const runId = input.runId ?? newRunId();
  const check = RunIdSchema.safeParse(runId);
  if (!check.success) throw new InvalidRunIdError(`run id ${JSON.stringify(runId)} cannot be used: ${check.error.issues[0]!.message}; give another, or none to get a generated one`);
  const runDir = await createRunDir(input.home, runId);
  await loggerReady(input.logger);
  let runLog: RunLog;
  try {
    runLog = openRunLog(input.logger, path.join(runDir, RUN_LOG_FILE));
  } catch (error) {
    throw new RunDirError(`cannot write the run log in ${runDir}: ${errorMessage(error)} (set WF_HOME to a writable folder)`, { cause: error });
  }
  // In strict mode a bus that fails mid-run stops the run, as a cancel would.
  const busFailure = new AbortController();
  let events;
  try {
    events = await openRunEvents({
      bus: input.bus,
      runDir,
      options: eventsOptions,
      logger: runLog.logger,
      onFatal: (error) => {
        runLog.logger.child("wfkit.events.bus").error(errorMessage(error));
        busFailure.abort(error);
      },
    });
  } catch (error) {
    runLog.close();
    throw error;
  }
  return {
    runId,
    workflowName: workflow.name,
    version: workflow.version,
    dagId: workflow.dagId,
    dagHash: workflow.dagHash(),
    engine: input.engine,
    params,
    logger: runLog.logger,
    progress: new ProgressTracker(workflow.name, workflow.nodes.length, {
      unit: "tasks",
      logger: runLog.logger.child("wfkit.progress", { run_id: runId, dag_id: workflow.dagId }),
    }),
    bus: input.bus,
    signal: eventsOptions.strict && eventsOptions.busUrl !== undefined ? AbortSignal.any([input.signal, busFailure.signal]) : input.signal,
    runDir,
    runLogFile: runLog.file,
    closeRunLog: runLog.close,
    eventsFile: events.file,
    progressEventIntervalMs: eventsOptions.progressIntervalSeconds * 1000,
    flushEvents: events.flush,
    closeEvents: async () => {
      await events.close();
    },
  };
}
