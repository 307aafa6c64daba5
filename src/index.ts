/**
 * wfkit's authoring surface: what task and workflow authors import from `"wfkit"`. Subclass
 * {@link TaskBase}, chain the tasks in a {@link Workflow}, and catch or throw the errors below;
 * `runLocal` (from `"wfkit/local"`) returns the {@link RunResult} typed here.
 *
 * The other entry points: `"wfkit/local"` (run a workflow in process, e.g. in tests),
 * `"wfkit/airflow"` and `"wfkit/notebook"` (the engines), and `"wfkit/engine"` (for engine and
 * tool builders; task authors do not need it). Everything else is internal and may change
 * without notice. Every name here is pinned by `test/unit/public-surface.test.ts`: adding one
 * is a deliberate change.
 *
 * @packageDocumentation
 * @module wfkit
 */

// Tasks
/** Base class of every task, and the type of a task class. */
export { TaskBase, type TaskClass } from "./task/task-base.js";
/** What a task knows about its run (`this.context`), and how it emits events of its own. */
export type { TaskContext, TaskEvents } from "./task/task-context.js";
export type { TaskCatalog, CatalogSource, CatalogEntry } from "./catalog/task-catalog.js";
export type { CatalogForm } from "./catalog/catalog-store.js";
export { CatalogEntryNotFoundError, CatalogNameError, CatalogSourceError, CatalogStoreError, CatalogUndeclaredError } from "./catalog/errors.js";
export type { DataDeclaration } from "./catalog/declared-data.js";
/** Thrown to mark a task skipped; what a task sees when its run is cancelled under it. */
export { TaskCrashedError, TaskSkipped, TaskTerminatedError, TaskTimeoutError } from "./task/errors.js";
/** Airflow's Variables, Connections and XCom as a task reads them (`this.airflow`), and what it throws. */
export type { AirflowAccess, AirflowConnection, AirflowXCom } from "./task/airflow-access.js";
export { AirflowUnavailableError, AirflowVariableNotFoundError, AirflowConnectionNotFoundError, AirflowConnectionError, AirflowXComError } from "./task/errors.js";
export { TRIGGER_RULES, type TriggerRule } from "./task/trigger-rule.js";
export type { DataInterval } from "./workflow/schedule.js";

// Workflows
/** A named, versioned graph of tasks, and the options of `addNode`. */
export { Workflow, type NodeOptions } from "./workflow/workflow.js";
/** Options of `new Workflow(...)`. */
export type { WorkflowOptions } from "./workflow/workflow-options.js";
/** The zod object schema a workflow's run parameters are declared with. */
export type { ParamsSchema } from "./workflow/params.js";
/** A workflow's problems, as `WorkflowValidationError.issues` lists them. */
export type { ValidationCode, ValidationIssue } from "./workflow/validation-issue.js";
/** An invalid workflow (every problem at once), and run parameters that do not fit the schema. */
export { WorkflowValidationError, ParamsValidationError } from "./workflow/errors.js";

// Errors
/** Base of every wfkit error; `instanceof` works across copies of the package. */
export { WfkitError } from "./errors/wfkit-error.js";
/** Who can resolve a failure (user, config, platform, external), and the classification of anything thrown. */
export type { ResolvableBy } from "./errors/resolvable-by.js";
export { resolvableByOf } from "./errors/classify-error.js";

// Logging and progress, as tasks use them
/** The logger a task sees as `this.logger`, and the fields of a line. */
export type { WfLogger } from "./logging/logger.js";
export type { LogFields } from "./logging/log-fields.js";
/** A task's progress tracker (`this.progress`), and handing one to a worker thread. */
export { ProgressTracker } from "./progress/progress-tracker.js";
export { shareProgress, progressFromPort } from "./progress/worker-progress.js";

// Results and events, as `runLocal` callers and event consumers see them
/** A run's result, the same shape on every engine, and the schema of its JSON form (`result.json`, `wf run --json`). */
export {
  RunResultSchema,
  type RunResult,
  type TaskResult,
  type AttemptResult,
  type TaskStatus,
  type RunStatus,
} from "./run/run-result.js";
/** A status event (what `onEvent` listeners get), and the schema consumers validate it against. */
export { WfEventSchema, type WfEvent } from "./events/wf-event.js";

// The run log: what every run on every engine recorded, to query from a test or a tool
/** Open the run log (the file store under WF_HOME, or PostgreSQL) and ask it about runs and task actions. */
export { openRunLog, type RunLog, type RunFilter, type ActionFilter, type OpenRunLogOptions } from "./run-log-query/open-run-log.js";
/** What the run log's queries return: runs with their tasks and attempts, and the schemas of their JSON forms (`wf runs … --json`). */
export {
  RunViewSchema,
  RunSummarySchema,
  type RunView,
  type RunSummary,
  type TaskView,
  type AttemptView,
  type CatalogView,
  type RunState,
  type TaskState,
} from "./run-log/run-view.js";
/** The records the run log keeps (one JSON object each, versioned) and a task action. */
export { RunLogRecordSchema, RUN_LOG_SCHEMA_VERSION, type RunLogRecord, type ActionRecord, type RunRecord, type EndRecord, type CatalogRecord, type AuditRecord, type TaskAction, type CodeIdentity } from "./run-log/run-log-record.js";
/** Errors of run-log queries. */
export { RunNotFoundError, RunLogOptionsError, RunLogStoreError } from "./run-log/errors.js";

// The audit: what each run processed (ProcessTracker's audit), extracts and holds
/** What a task audits (`this.audit`) and its extracts; sources and targets as declared and as recorded. */
export type { TaskAudit, TaskExtracts, AuditDate } from "./audit/task-audit.js";
export type { DatasetDeclaration, Dataset, DatasetObject, DatasetAttribute, AuditError } from "./events/audit-fields.js";
/** Extracts: files a workflow consumes or produces, with their status lifecycle. */
export { ExtractSchema, ExtractStatusSchema, NEXT_STATUSES, type Extract, type ExtractStatus, type ExtractFilter, type ExtractKey, type ExtractActor } from "./audit/extract.js";
/** A workflow's hold record (`wf audit release`, a refused run). */
export { HoldRecordSchema, type HoldRecord, type HoldAction } from "./audit/hold.js";
/** Open the audit (the run log's store) and ask it what a workflow's runs processed; the report's schema (`wf audit --json`). */
export { openAudit, type Audit } from "./run-log-query/open-audit.js";
export { AuditReportSchema, AuditRunSchema, type AuditReport, type AuditRun } from "./run-log-query/audit-report.js";
/** Errors of the audit. */
export { AuditUsageError, AuditRunError, AuditStoreError, ExtractNotFoundError, ExtractStatusError, WorkflowOnHoldError } from "./audit/errors.js";
