/**
 * wfkit's engine surface, `"wfkit/engine"`: what engines and tools built on wfkit need to run
 * workflows the way every engine does — start a run ({@link prepareRun}), run each task
 * attempt through the full lifecycle ({@link runTaskAttempt}), make and publish status events,
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
 */

// Task attempts
/** One attempt of one task through the full lifecycle, and how it is recorded in a run result. */
export { runTaskAttempt, attemptResultOf, type AttemptOutcome, type AttemptStatus } from "./task/run-task-attempt.js";
/** A task attempt's context, logger and progress tracker, for engines that build them outside `runTaskAttempt`. */
export { createTaskContext, taskLogger, taskTracker } from "./task/task-context.js";

// Workflows
/** A task in a workflow, with its resolved settings (`workflow.nodes`). */
export type { WorkflowNode } from "./workflow/workflow.js";
/** Where a workflow comes from (package, module, export), for engines that load it elsewhere. */
export { workflowSourceProblems, type WorkflowSource } from "./workflow/workflow-source.js";
/** Import a module that defines workflows (TypeScript through tsx). */
export { importModule } from "./workflow/import-module.js";
/** The params schema as JSON Schema (input side). */
export { paramsJsonSchema } from "./workflow/params-json-schema.js";
/** Graph helpers for engines that schedule by node index. */
export { downstreamsOf, type GraphNode } from "./graph/graph.js";

// Runs
/** The common start of a run on every engine, and the state its tasks share. */
export { prepareRun, type PrepareRunInput } from "./run/prepare-run.js";
export type { RunContext } from "./run/run-context.js";
/** A run's status from its tasks', its JSON form, `result.json`, and the summary `wf run` prints. */
export { runStatusOf, runResultToJson } from "./run/run-result.js";
export { writeRunResult } from "./run/write-run-result.js";
export { renderRunSummary } from "./run/render-summary.js";
/** A new, time-sortable run id. */
export { newRunId } from "./run/new-run-id.js";
/** A run id that is not safe to use, and a run directory that cannot be created. */
export { InvalidRunIdError, RunDirError } from "./run/errors.js";

// Configuration
/** Every `WF_*` variable read and checked at once, and the error for bad values. */
export { loadConfig } from "./config/load-config.js";
export type { WfConfig } from "./config/env-schema.js";
export { ConfigError } from "./config/errors.js";

// Logging
/** Root loggers: from options, or from the `WF_LOG_*` / `WF_SYSLOG_*` configuration. */
export { createLogger, type RootLogger } from "./logging/logger.js";
export type { LoggerOptions } from "./logging/logger-options.js";
export { createLoggerFromConfig, loggerOptionsFromConfig } from "./logging/logger-from-config.js";
export { LoggerOptionsError } from "./logging/errors.js";
/** The one place a failed task attempt is reported. */
export { reportTaskFailure } from "./logging/failure-report.js";

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
export { progressOptionsFromConfig } from "./progress/progress-from-config.js";
export { ProgressOptionsError } from "./progress/errors.js";

// Status events
/** The in-process bus every run has. */
export { InProcessEventBus, type EventBus } from "./events/event-bus.js";
/** Make events, the run's last one, and an error's event form. */
export { createEvent, eventErrorOf, type EventOrigin } from "./events/create-event.js";
export { runEndEvent } from "./events/run-end-event.js";
/** Where events go (the events file, RabbitMQ) and their `WF_BUS_*` / `WF_EVENTS_*` configuration. */
export { compileEventsOptions, type EventsOptions, type CompiledEventsOptions } from "./events/events-options.js";
export { eventsOptionsFromConfig } from "./events/events-from-config.js";
/** Publish events to RabbitMQ from an engine process (confirms, spool, replay). */
export { startEventPublisher, type EventPublisher } from "./events/event-publisher.js";
export type { PublisherStats } from "./events/amqp-publisher.js";
/** An event as an OpenLineage RunEvent (what `WF_EVENTS_FORMAT=openlineage` publishes), for tools that forward events. */
export { toOpenLineage, type OpenLineageRunEvent } from "./events/openlineage.js";
/** Bad event options, and the bus or the events file failing. */
export { EventsOptionsError, BusUnavailableError, BusAccessRefusedError, BusSetupError, EventStoreError } from "./events/errors.js";

// Templates
/** Handlebars templates whose values reach the output only through typed escaping helpers. */
export { loadSafeTemplate, type RenderTemplate } from "./templates/safe-template.js";
export { UnsafeTemplateError } from "./templates/errors.js";

// Helpers for engines' and tools' own errors and output
/** Readable text and class name of anything thrown. */
export { errorMessage, errorName } from "./errors/wfkit-error.js";
/** `' (did you mean "X"?)'` for messages about unknown names. */
export { didYouMeanSuffix } from "./util/did-you-mean.js";
/** Readable lines for options that failed their schema. */
export { optionProblems } from "./util/option-problems.js";
/** The installed wfkit package (name, version, root folder), e.g. for version manifests. */
export { wfkitPackage } from "./util/package-info.js";
