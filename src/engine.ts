/**
 * wfkit's engine surface, `"wfkit/engine"`: what engines and tools built on wfkit need to run
 * workflows the way every engine does — the one run lifecycle ({@link RunLifecycle}: open a
 * run, run each task's attempts, finish, close), make and publish status events,
 * load the `WF_*` configuration, create loggers, show progress, render templates safely, and
 * the errors of those areas. wfkit's own engines (`wfkit/local`, `wfkit/airflow`,
 * `wfkit/notebook`) and build tools use exactly this.
 *
 * Not for task authors: tasks and workflows need only `"wfkit"`, and tests `"wfkit/local"`.
 * Names from `"wfkit"` (Workflow, WfkitError, RunResult, WfEvent, …) are not repeated here;
 * import them from there. Every name here is pinned by `test/unit/public-surface.test.ts`:
 * adding one is a deliberate change. Everything not exported here or from `"wfkit"` is
 * internal and may change without notice.
 *
 * @packageDocumentation
 * @module wfkit/engine
 */

// Task attempts
/** How one attempt of a task ended. */
export type { AttemptStatus } from "./run/task-attempt.js";
/** A task attempt's context, logger and progress tracker, for engines that build them outside the run lifecycle (a notebook's rollback cell). */
export { createTaskContext, taskLogger, taskTracker } from "./run/create-task-context.js";
/**
 * What an engine supplies for a task's `this.airflow` (`RunLifecycleInput.airflow`): Airflow's
 * Variables, Connections and XComs; and the in-memory stand-in for runs without Airflow, with
 * the schema of what a caller gives it.
 */
export type { AirflowBackend, AirflowConnectionData } from "./task/airflow-access.js";
export { MemoryAirflowBackend, AirflowStandInSchema, type AirflowStandIn } from "./task/memory-airflow.js";
/** A task's declared catalog inputs and outputs as export docs show them. */
export { declaredDataText, type DeclaredData } from "./catalog/declared-data.js";
/** What a task or workflow reads from and writes to (its audit sources and targets), in one line for docs. */
export { lineageText, datasetsText } from "./events/audit-fields.js";

// Workflows
/** A task in a workflow, with its resolved settings (`workflow.nodes`). */
export type { WorkflowNode } from "./workflow/workflow.js";
/** Where a workflow comes from (package, module, export), for engines that load it elsewhere. */
export { workflowSourceProblems, type WorkflowSource } from "./workflow/workflow-source.js";
/** Import a module that defines workflows (TypeScript through tsx). */
export { importModule } from "./workflow/import-module.js";
/** A build tool (tsx, ts-morph, esbuild: wfkit's peer dependencies) that a command needs is not installed. */
export { MissingToolError } from "./workflow/errors.js";
/** The params schema as JSON Schema (input side). */
export { paramsJsonSchema, requiredParams } from "./workflow/params-json-schema.js";
export { decideTriggerRule, type TriggerDecision, type UpstreamCounts } from "./task/trigger-rule.js";
export { CRON_PRESETS, DateInputSchema, parseSchedule, dataIntervalAt, manualDataInterval, type Schedule } from "./workflow/schedule.js";
export type { NodeSettings } from "./workflow/node-settings.js";
/** Graph helpers for engines that schedule by node index. */
export { downstreamsOf, type GraphNode } from "./graph/graph.js";

// Runs
/** The one run lifecycle every engine goes through (open, each task's attempts, finish, close), and the state a run's tasks share. */
export {
  RunLifecycle,
  withRunLifecycle,
  newTaskResult,
  type RunLifecycleInput,
  type AttemptPlan,
  type RunScope,
} from "./run/run-lifecycle.js";
export type { RunContext } from "./run/run-context.js";
/** A run result's JSON form, and the summary `wf run` prints. */
export { runResultToJson } from "./run/run-result.js";
export { renderRunSummary } from "./run/render-summary.js";
/** A new, time-sortable run id; the check every run id passes before a path is built from it; the run directory's path. */
export { newRunId } from "./run/new-run-id.js";
export { checkRunId, RunIdSchema } from "./run/run-id.js";
export { runDirPath } from "./run/run-dir.js";
/** The run log: options, the stores and the record of a status event. */
export { compileRunLogOptions, describeRunLogStore, type RunLogOptions, type CompiledRunLogOptions } from "./run-log/run-log-options.js";
export { runLogOptionsFromConfig } from "./config/run-log-from-config.js";
export { recordOfEvent } from "./run-log/record-of-event.js";
export { appendRunLogRecords } from "./run-log/append-run-log-records.js";
export { openRunLogWriter, type RunLogWriterHooks } from "./run-log/open-run-log-writer.js";
export type { RunLogWriter } from "./run-log/run-log-store.js";
/** A run id that is not safe to use, and a run directory that cannot be created. */
export { InvalidRunIdError, RunDirError, RunInUseError, RunNotRecordedError, RerunOptionsError, RerunNotPossibleError, RerunRefusedError, RerunParamsError } from "./run/errors.js";
export { RerunRequestSchema, type RerunRequest, type RerunPlan, type ReusedTask } from "./run/rerun.js";
/** SIGINT/SIGTERM as a cancel (the first aborts, the second exits), and a signal's exit code. */
export { watchStopSignals, signalExitCode, type StopSignals } from "./util/stop-signals.js";

// Configuration
/** Every `WF_*` variable read and checked at once, and the error for bad values. */
export { loadConfig } from "./config/load-config.js";
export type { WfConfig } from "./config/env-schema.js";
export { ConfigError } from "./config/errors.js";

// Logging
/** Root loggers: from options, or from the `WF_LOG_*` / `WF_SYSLOG_*` configuration. */
export { createLogger, type RootLogger } from "./logging/logger.js";
export type { LoggerOptions } from "./logging/logger-options.js";
export type { LogLevel } from "./logging/log-level.js";
export { createLoggerFromConfig, loggerOptionsFromConfig } from "./config/logger-from-config.js";
export { LoggerOptionsError } from "./logging/errors.js";

// Progress
/** Progress presenters (bars, log lines, notebook text), their options and the `WF_PROGRESS*` configuration. */
export { startProgress } from "./progress/start-progress.js";
export type { ProgressPresenter } from "./progress/progress-presenter.js";
export {
  ProgressModeSchema,
  compileProgressOptions,
  type ProgressOptions,
  type CompiledProgressOptions,
} from "./progress/progress-options.js";
export { progressOptionsFromConfig } from "./config/progress-from-config.js";
export { ProgressOptionsError } from "./progress/errors.js";

// Status events
/** The in-process bus every run has. */
export { InProcessEventBus, type EventBus } from "./events/event-bus.js";
/** Make events (`task.crashed` of a dead task process), and an error's event form. */
export { createEvent, eventErrorOf, type EventOrigin } from "./events/create-event.js";
/** Where events go (the events file, RabbitMQ) and their `WF_BUS_*` / `WF_EVENTS_*` configuration. */
export { compileEventsOptions, type EventsOptions, type CompiledEventsOptions } from "./events/events-options.js";
export { eventsOptionsFromConfig } from "./config/events-from-config.js";
/** `events.jsonl`, the file in every run directory that holds the run's events. */
export { EVENTS_FILE } from "./events/events-file.js";
/** Publish events to RabbitMQ from an engine process (confirms, spool, replay). */
export { startEventPublisher, type EventPublisher } from "./events/event-publisher.js";
export type { PublisherStats } from "./events/amqp-publisher.js";
/** An event as an OpenLineage RunEvent (what `WF_EVENTS_FORMAT=openlineage` publishes), for tools that forward events. */
export { toOpenLineage, type OpenLineageRunEvent, type TaskDatasets } from "./events/openlineage.js";
/** Bad event options, and the bus or the events file failing. */
export { EventsOptionsError, BusUnavailableError, BusAccessRefusedError, BusSetupError, EventStoreError } from "./events/errors.js";

// OpenTelemetry
/** Spans and metrics of every run (WF_OTEL and the `OTEL_*` variables), and the parent trace context an engine hands on. */
export { telemetryOptionsFromConfig, traceParentFromConfig, loggableConfig } from "./config/telemetry-from-config.js";
export type { TelemetryOptions, ExportTarget } from "./telemetry/telemetry-options.js";
export { TraceParentSchema, TraceStateSchema } from "./telemetry/telemetry-env.js";
/** Start loading the SDK early (a worker, while it loads the workflow module); runs then find it loaded. */
export { openTelemetry as preloadTelemetry } from "./telemetry/open-telemetry.js";
export {
  traceParentOfConf,
  traceParentProblem,
  traceStateProblem,
  isReservedConfKey,
  CONF_TRACEPARENT,
  CONF_TRACESTATE,
  CONF_AIRFLOW_PARENT,
  RESERVED_CONF_PREFIXES,
  TRACE_CONF_KEYS,
  type TraceParent,
} from "./telemetry/trace-parent.js";
export type { TraceIds } from "./telemetry/run-telemetry.js";

// Templates
/** Handlebars templates whose values reach the output only through typed escaping helpers. */
export { loadSafeTemplate, type RenderTemplate } from "./templates/safe-template.js";
export { UnsafeTemplateError } from "./templates/errors.js";

// Helpers for engines' and tools' own errors and output
/** Readable text and class name of anything thrown. */
export { errorMessage, errorName } from "./errors/wfkit-error.js";
/** `' (did you mean "X"?)'` for messages about unknown names. */
export { didYouMeanSuffix } from "./util/did-you-mean.js";
/** The parse context of a schema parsed once per process (no compiled fast path). */
export { PARSE_ONCE } from "./util/parse-once.js";
/** Credentials in every URL of a text masked, as every exit of a run masks them. */
export { maskUrlCredentials } from "./logging/mask.js";
/** Readable lines for options that failed their schema. */
export { optionProblems } from "./util/option-problems.js";
/** The installed wfkit package (name, version, root folder), e.g. for version manifests. */
export { wfkitPackage } from "./util/package-info.js";
export { processAlive } from "./util/process-alive.js";
export { whereThrown } from "./logging/load-code-position.js";
export { appendWholeFile } from "./util/append-whole.js";
