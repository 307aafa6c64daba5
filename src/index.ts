/**
 * wfkit's public API: what task authors, engines and tools import from `"wfkit"`.
 * Everything not listed here is internal and may change without notice.
 *
 * @packageDocumentation
 */

// Tasks
/** Base class of every task, its class type and a cross-copy check for it. */
export { TaskBase, isTaskClass, type TaskClass } from "./task/task-base.js";
/** What a task knows about its run: ids, params, logger, progress, events, signal. */
export type { TaskContext, TaskEvents } from "./task/task-context.js";
/** An attempt's context, logger and tracker, derived from its run (engines build them). */
export { createTaskContext, taskLogger, taskTracker } from "./run/create-task-context.js";
/** Thrown to mark a task skipped; reported when a run is cancelled under a task. */
export { TaskSkipped, TaskTerminatedError } from "./task/errors.js";
/** One attempt of one task through the full lifecycle: the building block of every engine. */
export { runTaskAttempt, attemptResultOf, type AttemptOutcome, type AttemptStatus } from "./run/task-attempt.js";

// Workflows
/** A named, versioned graph of tasks. */
export { Workflow, type NodeOptions, type WorkflowNode } from "./workflow/workflow.js";
/** The workflow's options schema, its types and the function that resolves defaults. */
export {
  WorkflowOptionsSchema,
  compileWorkflowOptions,
  type WorkflowOptions,
  type CompiledWorkflowOptions,
} from "./workflow/workflow-options.js";
/** Per-task settings (retries, retry delay, queue, description). */
export { NodeSettingsSchema, type NodeSettings } from "./workflow/node-settings.js";
/** Workflow naming rules (dkist-processing-core's). */
export { workflowName, dagId, NAME_PATTERN, MAX_NAME_LENGTH, type NameParts } from "./workflow/naming.js";
/** Validation problems, keyed by code. */
export { VALIDATION_CODES, type ValidationCode, type ValidationIssue } from "./workflow/validation-issue.js";
/** Errors for invalid workflows and invalid run parameters. */
export { WorkflowValidationError, ParamsValidationError } from "./workflow/errors.js";
/** Run parameters: the schema type, validation, and command-line coercion. */
export {
  parseRunParams,
  coerceParamValue,
  checkParamsSchema,
  isParamsSchema,
  type ParamsSchema,
} from "./workflow/params.js";
/** Where a workflow comes from (package, module, export), for engines that load it elsewhere. */
export { workflowSourceProblems, type WorkflowSource } from "./workflow/workflow-source.js";
/** Import a module that defines workflows (TypeScript through tsx): what engines load at run time. */
export { importModule } from "./workflow/import-module.js";
/** The params schema as JSON Schema (input side), computed once per schema. */
export { paramsJsonSchema } from "./workflow/params-json-schema.js";

// Runs
/** The shared state of one run, and the one run lifecycle every engine goes through. */
export type { RunContext } from "./run/run-context.js";
export { RUN_LOG_FILE } from "./run/open-run-context.js";
export {
  RunLifecycle,
  withRunLifecycle,
  newTaskResult,
  type RunLifecycleInput,
  type AttemptPlan,
  type RunScope,
} from "./run/run-lifecycle.js";
/** Run results, the same shape on every engine. */
export {
  RunResultSchema,
  TaskResultSchema,
  AttemptResultSchema,
  TaskStatusSchema,
  RunStatusSchema,
  runResultToJson,
  runStatusOf,
  type RunResult,
  type TaskResult,
  type AttemptResult,
  type TaskStatus,
  type RunStatus,
} from "./run/run-result.js";
/** `result.json` in the run directory, and the summary `wf run` prints. */
export { writeRunResult } from "./run/write-run-result.js";
export { renderRunSummary } from "./run/render-summary.js";
/** Graph helpers for engines that schedule by node index. */
export { downstreamsOf, type GraphNode } from "./graph/graph.js";
export { topologicalOrder } from "./graph/topological-order.js";
export { findCycles } from "./graph/find-cycles.js";
/** Run ids and run directories. */
export { newRunId, RunIdSchema, checkRunId } from "./run/run-id.js";
export { runDirPath, createRunDir } from "./run/run-dir.js";
export { InvalidRunIdError, RunDirError } from "./run/errors.js";

// Logging, progress, events
/** Structured logging: pretty, JSON, logfmt and LTSV lines, bound fields, per-logger levels, masking, syslog. */
export { createLogger, createSilentLogger, type WfLogger, type RootLogger, type LogFields } from "./logging/logger.js";
export {
  LoggerOptionsSchema,
  LogFormatSchema,
  SyslogOptionsSchema,
  compileLoggerOptions,
  type LoggerOptions,
  type CompiledLoggerOptions,
  type LogFormat,
  type SyslogOptions,
} from "./logging/logger-options.js";
export { LoggerOptionsError } from "./logging/errors.js";
export { createLoggerFromConfig, loggerOptionsFromConfig, type LogStreams } from "./config/logger-from-config.js";
export { LOG_LEVELS, LogLevelSchema, type LogLevel } from "./logging/log-level.js";
export { TASK_FIELDS } from "./logging/log-fields.js";
export { MASKED, DEFAULT_MASK_KEYS, maskUrlCredentials } from "./logging/mask.js";
export { parseModuleLevels, type ModuleLevel } from "./logging/module-levels.js";
/** For engines: a run's log file, and the one place a failed task is reported. */
export { openRunLog, type RunLog } from "./logging/run-log.js";
export { reportTaskFailure, type TaskFailure } from "./logging/failure-report.js";
export { SYSLOG_FACILITIES, type SyslogFacility } from "./logging/syslog-message.js";
export {
  SYSLOG_MAX_BUFFERED_LINES,
  SYSLOG_MAX_BUFFERED_BYTES,
  SYSLOG_UDP_MAX_BYTES,
} from "./logging/syslog-limits.js";
/** Hierarchical progress tracking: trackers, worker-thread sharing, presenters. */
export {
  ProgressTracker,
  type ProgressSnapshot,
  type ProgressMetrics,
  type TrackerState,
  type TrackerOptions,
  type TrackerChange,
  type TrackerWatcher,
} from "./progress/progress-tracker.js";
export { shareProgress, progressFromPort } from "./progress/worker-progress.js";
export {
  ProgressOptionsSchema,
  ProgressModeSchema,
  ProgressLevelSchema,
  compileProgressOptions,
  type ProgressOptions,
  type CompiledProgressOptions,
  type ProgressMode,
  type ProgressLevel,
  type ProgressSurroundings,
  type TerminalStream,
} from "./progress/progress-options.js";
export { progressOptionsFromConfig } from "./config/progress-from-config.js";
export { startProgress } from "./progress/start-progress.js";
export type { ProgressPresenter } from "./progress/progress-presenter.js";
export { ProgressOptionsError } from "./progress/errors.js";
/** Status events: the CloudEvents schema consumers validate against, and the actions. */
export {
  WfEventSchema,
  WfEventDataSchema,
  EventErrorSchema,
  EventProgressSchema,
  EngineNameSchema,
  LIFECYCLE_ACTIONS,
  CUSTOM_ACTION,
  EVENT_SCHEMA_VERSION,
  EVENT_DATA_SCHEMA,
  EVENT_TYPE_PREFIX,
  type WfEvent,
  type WfEventData,
  type WfEventDataOf,
  type EventAction,
  type EventError,
  type EventProgress,
  type EngineName,
  type LifecycleAction,
} from "./events/wf-event.js";
/** The in-process bus every run has; its listeners get every event synchronously. */
export { InProcessEventBus, type EventBus, type EventListener } from "./events/event-bus.js";
/** Make events (engines, supervisors) and turn errors into their event form. */
export { createEvent, eventErrorOf, type EventOrigin, type EventPayload, type EventTask } from "./events/create-event.js";
export { runEndEvent } from "./run/run-end-event.js";
/** The README's event schema tables, generated from the zod schema. */
export { renderEventSchemaDoc } from "./events/event-schema-doc.js";
export { startProgressEvents, eventProgressOf } from "./run/progress-events.js";
/** Routing keys on the topic exchange: `<dag_id>.<task>.<action>`. */
export { routingKey, routingWord, RUN_WORD } from "./events/routing-key.js";
/** Where events go: the events file, RabbitMQ, and their options (WF_BUS_*, WF_EVENTS_*). */
export {
  EventsOptionsSchema,
  EventsFormatSchema,
  BusUrlSchema,
  compileEventsOptions,
  type EventsOptions,
  type CompiledEventsOptions,
  type EventsFormat,
} from "./events/events-options.js";
export { eventsOptionsFromConfig } from "./config/events-from-config.js";
export { EVENTS_FILE, EventsFile } from "./events/events-file.js";
export { AmqpEventPublisher, type AmqpPublisherOptions, type PublisherStats } from "./events/amqp-publisher.js";
export { encodeEvent, startEventPublisher, type EventPublisher } from "./events/open-run-events.js";
export { Spool, type BusMessage } from "./events/spool.js";
/** The same lifecycle as OpenLineage RunEvents (WF_EVENTS_FORMAT=openlineage). */
export { toOpenLineage, type OpenLineageRunEvent } from "./events/openlineage.js";
export { EventsOptionsError, BusUnavailableError, BusAccessRefusedError, BusSetupError, EventStoreError } from "./events/errors.js";

// Configuration and errors
/** Every WF_* environment variable, in one schema. */
export { EnvSchema, type WfConfig } from "./config/env-schema.js";
export { loadConfig } from "./config/load-config.js";
export { renderConfigTable } from "./config/config-table.js";
export { ConfigError, type ConfigProblem } from "./config/errors.js";
/** Base of every wfkit error; `instanceof` works across copies of the package. */
export { WfkitError, errorMessage, errorName } from "./errors/wfkit-error.js";
/** Who can resolve a failure (user, config, platform, external), with a line per value for reports. */
export { ResolvableBySchema, RESOLVABLE_BY_DESCRIPTIONS, type ResolvableBy } from "./errors/resolvable-by.js";
/** Classify anything that was thrown, and find the innermost cause of an error chain. */
export { resolvableByOf, rootCause } from "./errors/classify-error.js";
/** Closest-match suggestions for error messages. */
export { didYouMean, didYouMeanSuffix } from "./util/did-you-mean.js";
/** Readable lines for options that failed their schema (unknown keys get "did you mean"). */
export { optionProblems } from "./util/option-problems.js";
/** Handlebars templates whose values can reach the output only through typed escaping helpers. */
export { loadSafeTemplate, checkTemplate, type RenderTemplate, type TemplateHelpers } from "./templates/safe-template.js";
export { UnsafeTemplateError } from "./templates/errors.js";
/** SIGINT/SIGTERM as a cancel: the first aborts (tasks roll back), the second exits; and the exit code of a signal. */
export { watchStopSignals, signalExitCode, type StopSignals } from "./util/stop-signals.js";
/** The installed wfkit package (name, version, root folder), e.g. for version manifests. */
export { wfkitPackage, type WfkitPackage } from "./util/package-info.js";
