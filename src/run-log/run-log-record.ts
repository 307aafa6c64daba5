import * as z from "zod";
import { CatalogFields, EngineNameSchema, EventErrorSchema } from "../events/wf-event.js";
import { AuditFields, DatasetSchema } from "../events/audit-fields.js";
import { pure } from "../util/pure.js";

/**
 * Version of the run-log record schema; it changes only when a field is removed or changes
 * meaning (added fields keep it). Every record carries it as `v`.
 */
export const RUN_LOG_SCHEMA_VERSION = 1;

/**
 * What a task attempt did, one record each (Rocketry's task actions): `run` (an attempt
 * started), `success`, `fail`, `retry` (a failed attempt is tried again here), `terminate`
 * (cancelled), `inaction` (the task skipped: nothing to do), `crash` (its process died) and
 * `reuse` (a re-run took the task's outcome from its original run instead of running it).
 */
export const TaskActionSchema = /* @__PURE__ */ pure(() => z.enum(["run", "success", "fail", "retry", "terminate", "inaction", "crash", "reuse"]));
/** A task action. */
export type TaskAction = z.infer<typeof TaskActionSchema>;

const Where = /* @__PURE__ */ pure(() => ({
  dagId: z.string().describe("The workflow's dag id (`<name>_<version>`)"),
  runId: z.string().describe("The run id (on Airflow: Airflow's, unique per DAG only)"),
  at: z.iso.datetime().describe("When it happened (RFC 3339, UTC)"),
  host: z.string().describe("Host of the process that wrote it"),
  pid: z.number().int().describe("Process id of the process that wrote it (for `crash`: of the process that died)"),
}));

/** Where the workflow's code came from (magnus's code identity). */
export const CodeIdentitySchema = /* @__PURE__ */ pure(() => z
  .object({
    package: z
      .object({ name: z.string(), version: z.string() })
      .nullable()
      .describe("The workflow's npm package (the nearest package.json above its module), or null"),
    wfkit: z.string().describe("wfkit's version"),
    node: z.string().describe("Node's version"),
    git: z
      .object({
        commit: z.string().describe("HEAD's commit"),
        clean: z.boolean().describe("Whether the work tree had no changes (untracked files count)"),
        dirty: z.array(z.string()).describe("The changed files, at most 50"),
        remote: z.string().nullable().describe("The `origin` remote's URL, credentials masked, or null"),
      })
      .nullable()
      .describe("The git checkout the code sits in, or null when it sits in none"),
  })
  .describe("Which code ran"));
/** Which code ran. */
export type CodeIdentity = z.infer<typeof CodeIdentitySchema>;

/**
 * A process opened a run: the run's identity, written once by every process that runs the run
 * or some of its tasks (on Airflow each worker writes one; readers take the first).
 */
export const RunRecordSchema = /* @__PURE__ */ pure(() => z.object({
  v: z.literal(RUN_LOG_SCHEMA_VERSION).describe("Record schema version"),
  kind: z.literal("run").describe("A process opened the run"),
  id: z.string().describe("Unique id of the record"),
  ...Where,
  workflow: z.string().describe("Workflow name"),
  version: z.string().describe("Workflow version"),
  dagHash: z.string().describe("Hash of the workflow's tasks and edges"),
  engine: EngineNameSchema.describe("`local`, `airflow` or `notebook`"),
  scope: z.enum(["run", "task"]).describe("`run`: this process runs the whole run; `task`: it runs one task of it (an Airflow worker)"),
  params: z.record(z.string(), z.unknown()).describe("The run's validated parameters, secrets masked"),
  tags: z.array(z.string()).describe("Tags given with `wf run --tag`"),
  originalRunId: z.string().nullable().describe("The run this one re-runs, or null"),
  code: CodeIdentitySchema,
  audit: z
    .object({
      sources: z.array(DatasetSchema).describe("The workflow's declared sources"),
      targets: z.array(DatasetSchema).describe("The workflow's declared targets"),
      datasetTypes: z.array(z.string()).describe("The workflow's dataset types"),
      maxConsecutiveFailures: z.number().int().min(1).nullable().describe("Runs failed in a row that put the workflow on hold, or null"),
    })
    .optional()
    .describe("The workflow's audit settings, when it has any"),
  tasks: z
    .array(z.object({ task: z.string(), upstreams: z.array(z.string()), retries: z.number().int().min(0).describe("Retries after the first attempt") }))
    .describe("Every task of the workflow, in topological order"),
}));
/** A process opened a run. */
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** One action of one task attempt. */
export const ActionRecordSchema = /* @__PURE__ */ pure(() => z.object({
  v: z.literal(RUN_LOG_SCHEMA_VERSION).describe("Record schema version"),
  kind: z.literal("action").describe("A task action"),
  id: z.string().describe("Unique id of the record (the status event's id it was made from)"),
  ...Where,
  task: z.string().describe("Task name"),
  attempt: z.number().int().min(1).describe("1 on the first try, 2 on the first retry…"),
  action: TaskActionSchema,
  durationMs: z.number().min(0).optional().describe("How long the attempt ran (ending actions)"),
  error: EventErrorSchema.optional().describe("What the attempt threw (`fail`, `retry`)"),
  willRetry: z.boolean().optional().describe("Whether another attempt follows (`fail`): false when the failure is final. Absent in records of wfkit 0.1.0"),
  maxAttempts: z.number().int().min(1).optional().describe("The last attempt the task may reach (`fail`): its `retries` + 1. Absent in records of wfkit 0.1.0"),
  reason: z.string().optional().describe("Why it was skipped (`inaction`) or stopped (`terminate`)"),
  metrics: z.record(z.string(), z.number()).optional().describe("The attempt's progress metrics (ending actions)"),
  exitCode: z.number().int().nullable().optional().describe("The task process's exit code (`crash`), null when a signal ended it"),
  signal: z.string().nullable().optional().describe("The signal that ended the task process (`crash`), or null"),
  originalRunId: z.string().optional().describe("The run whose outcome was reused (`reuse`)"),
  originalStatus: z.enum(["success", "skipped"]).optional().describe("How the task ended in that run (`reuse`)"),
}));
/** One action of one task attempt. */
export type ActionRecord = z.infer<typeof ActionRecordSchema>;

/** Data a task attempt put in the run's catalog or got from it (magnus's `data_catalog`). */
export const CatalogRecordSchema = /* @__PURE__ */ pure(() => z.object({
  v: z.literal(RUN_LOG_SCHEMA_VERSION).describe("Record schema version"),
  kind: z.literal("catalog").describe("A task put data in the run's catalog, or got it"),
  id: z.string().describe("Unique id of the record (the status event's id it was made from)"),
  ...Where,
  task: z.string().describe("Task name"),
  attempt: z.number().int().min(1).describe("The attempt that put or got it"),
  ...CatalogFields,
}));
/** Data a task attempt put in the catalog or got from it. */
export type CatalogRecord = z.infer<typeof CatalogRecordSchema>;

/**
 * What one task attempt processed (ProcessTracker's audit): record counts, the data's date
 * range, run errors, custom statuses, sources, targets and extracts. Written at the attempt's
 * end, by every attempt that audited something or declares sources or targets.
 */
export const AuditRecordSchema = /* @__PURE__ */ pure(() => z.object({
  v: z.literal(RUN_LOG_SCHEMA_VERSION).describe("Record schema version"),
  kind: z.literal("audit").describe("What a task attempt processed"),
  id: z.string().describe("Unique id of the record (the status event's id it was made from)"),
  ...Where,
  workflow: z.string().describe("Workflow name: audits are queried by workflow (`wf audit`)"),
  task: z.string().describe("Task name"),
  attempt: z.number().int().min(1).describe("The attempt it describes"),
  ...AuditFields,
}));
/** What one task attempt processed. */
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** A whole run ended (written by the process that ran the whole run; Airflow runs have none). */
export const EndRecordSchema = /* @__PURE__ */ pure(() => z.object({
  v: z.literal(RUN_LOG_SCHEMA_VERSION).describe("Record schema version"),
  kind: z.literal("end").describe("A whole run ended"),
  id: z.string().describe("Unique id of the record"),
  ...Where,
  status: z.enum(["success", "failed", "terminated", "crashed"]).describe("How the run ended; `crashed`: its process died (recorded by the reader that found it gone)"),
  durationMs: z.number().min(0).describe("How long the run took"),
  error: z.string().optional().describe("Why the run failed apart from its tasks (it could not write its own files)"),
}));
/** A whole run ended. */
export type EndRecord = z.infer<typeof EndRecordSchema>;

/** Any run-log record: what the stores keep, one JSON object each. */
export const RunLogRecordSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion("kind", [RunRecordSchema, ActionRecordSchema, CatalogRecordSchema, AuditRecordSchema, EndRecordSchema]));
/** Any run-log record. */
export type RunLogRecord = z.infer<typeof RunLogRecordSchema>;
