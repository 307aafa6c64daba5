import * as z from "zod";
import { ResolvableBySchema } from "../errors/resolvable-by.js";
import { AuditFields } from "./audit-fields.js";
import { pure } from "../util/pure.js";

/** Engines a run can happen on. */
export const EngineNameSchema = /* @__PURE__ */ pure(() => z.enum(["local", "airflow", "notebook"]));
/** An engine name. */
export type EngineName = z.infer<typeof EngineNameSchema>;

/** Version of the event schema; it changes only when a field is removed or changes meaning. */
export const EVENT_SCHEMA_VERSION = 1;
/** The CloudEvents `dataschema` of every wfkit event. */
export const EVENT_DATA_SCHEMA = `urn:wfkit:events:v${EVENT_SCHEMA_VERSION}`;
/** Prefix of every event's CloudEvents `type`: `dev.wfkit.task.started`. */
export const EVENT_TYPE_PREFIX = "dev.wfkit.";

/** Lifecycle actions wfkit itself emits, in the order a run goes through them. */
export const LIFECYCLE_ACTIONS = [
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.terminated",
  "task.started",
  "task.progress",
  "task.catalog",
  "task.audit",
  "task.succeeded",
  "task.failed",
  "task.retrying",
  "task.skipped",
  "task.reused",
  "task.terminated",
  "task.crashed",
] as const;

/** A lifecycle action. */
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];
/** The action of an event a task emits itself with `this.events.emit(name, payload)`. */
export const CUSTOM_ACTION = "custom";
/** Any event's action. */
export type EventAction = LifecycleAction | typeof CUSTOM_ACTION;

/** What a `task.catalog` event, and the run-log record made of it, say of one put or get. */
export const CatalogFields = /* @__PURE__ */ pure(() => ({
  stage: z.enum(["put", "get", "carry"]).describe("`put`: the task stored data under `name`; `get`: it read it; `carry`: a re-run took the entry its original run's task put (the task was reused)"),
  name: z.string().describe("The catalog name (`this.catalog.put(name, …)`)"),
  form: z.enum(["file", "folder", "json"]).describe("What the entry holds: a file, a folder or a JSON value"),
  location: z.string().describe("Where the catalog keeps it (a path in the file store)"),
  sha256: z.string().describe("Hex sha256 of the content (for a folder: of its manifest of paths, digests and sizes)"),
  size: z.number().int().min(0).describe("Bytes stored"),
}));

const Metrics = /* @__PURE__ */ pure(() => z.record(z.string(), z.number()).describe("Progress metrics (`this.progress.metric(key, n)`), summed over the task's trackers"));

/** What an error looked like, in a failure event. */
export const EventErrorSchema = /* @__PURE__ */ pure(() => z
  .object({
  name: z.string().describe("Error class, e.g. `TypeError`"),
  message: z.string().describe("The error's message, credentials masked"),
  resolvableBy: ResolvableBySchema.describe("Who can fix it: `user`, `config`, `platform` or `external`"),
  })
  .describe("What was thrown: class, message and who can fix it"));
/** An error in an event. */
export type EventError = z.infer<typeof EventErrorSchema>;

/** One progress tracker in a `task.progress` event; `children` are its sub-trackers. */
export interface EventProgress {
  title: string;
  unit?: string | undefined;
  state: "running" | "done" | "failed";
  completed: number;
  total?: number | undefined;
  children: EventProgress[];
}
/** The progress tree of a task, as `task.progress` carries it. */
export const EventProgressSchema: z.ZodType<EventProgress> = /* @__PURE__ */ pure(() => z.lazy(() =>
  z.object({
    title: z.string().describe("The tracker's title: the task's name, or what task code gave `child()`"),
    unit: z.string().optional().describe("What one unit is (`rows`, `files`), when given"),
    state: z.enum(["running", "done", "failed"]).describe("Whether it is still counting"),
    completed: z.number().describe("Units done: its own, or its children's sum when it counts none itself"),
    total: z.number().optional().describe("Units expected, by the same rule; absent while unknown"),
    children: z.array(EventProgressSchema).describe("Its sub-trackers, the same shape"),
  }),
));

/** Fields every event's `data` has. */
const Common = /* @__PURE__ */ pure(() => ({
  runId: z.string().describe("wfkit's run id, shared by every task of the run"),
  dagId: z.string().describe("The workflow's dag id (`<name>_<version>`)"),
  workflow: z.string().describe("Workflow name"),
  version: z.string().describe("Workflow version"),
  engine: EngineNameSchema.describe("`local`, `airflow` or `notebook`"),
  host: z.string().describe("Host name of the process that emitted it"),
  pid: z.number().int().describe("Process id of the process that emitted it (for `task.crashed`: of the process that died)"),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional()
    .describe("With OpenTelemetry on (WF_OTEL): the W3C trace id of the span the event belongs to (the task attempt's; the run's for run events). Absent when off"),
  spanId: z.string().regex(/^[0-9a-f]{16}$/).optional().describe("With OpenTelemetry on: that span's id"),
}));
const TaskFields = /* @__PURE__ */ pure(() => ({
  task: z.string().describe("Task name"),
  attempt: z.number().int().min(1).describe("1 on the first try, 2 on the first retry…"),
}));
const DurationMs = /* @__PURE__ */ pure(() => z.number().min(0).describe("Milliseconds since the task (or run) started"));

/**
 * Whether a failed attempt is final, as `task.failed` says it (its `attempt` is the attempt that
 * failed). Optional in the schema only so that the events of wfkit 0.1.0, which lack them, still
 * read as version 1: every `task.failed` since carries both.
 */
export const RetryFields = /* @__PURE__ */ pure(() => ({
  willRetry: z
    .boolean()
    .optional()
    .describe(
      "Whether another attempt of this task follows (`task.retrying` next; on Airflow, Airflow's next try). False when the failure is final: no attempts left, the run or notebook cell cancelled, or a failure the engine fails fast (a cancel during the wait before a retry still ends the task `terminated`). Absent only in events of wfkit 0.1.0",
    ),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("The last attempt this task may reach: its `retries` + 1 (a notebook cell run again numbers its attempts on: then its last one). Absent only in events of wfkit 0.1.0"),
}));

const variants = /* @__PURE__ */ pure(() => ([
  z.object({ action: z.literal("run.started"), ...Common, params: z.record(z.string(), z.unknown()).describe("The run's validated parameters") }),
  z.object({ action: z.literal("run.succeeded"), ...Common, durationMs: DurationMs }),
  z.object({ action: z.literal("run.failed"), ...Common, durationMs: DurationMs, failedTasks: z.array(z.string()).describe("Tasks that failed") }),
  z.object({ action: z.literal("run.terminated"), ...Common, durationMs: DurationMs }),
  z.object({ action: z.literal("task.started"), ...Common, ...TaskFields }),
  z.object({
    action: z.literal("task.progress"),
    ...Common,
    ...TaskFields,
    progress: EventProgressSchema.describe("The task's tracker and its sub-trackers; sent at most every WF_EVENTS_PROGRESS_INTERVAL, only when counts moved"),
    metrics: Metrics,
  }),
  z.object({
    action: z.literal("task.catalog"),
    ...Common,
    ...TaskFields,
    ...CatalogFields,
  }),
  z.object({
    action: z.literal("task.audit"),
    ...Common,
    ...TaskFields,
    ...AuditFields,
  }),
  z.object({ action: z.literal("task.succeeded"), ...Common, ...TaskFields, durationMs: DurationMs, metrics: Metrics }),
  z.object({ action: z.literal("task.failed"), ...Common, ...TaskFields, durationMs: DurationMs, metrics: Metrics, error: EventErrorSchema, ...RetryFields }),
  z.object({
    action: z.literal("task.retrying"),
    ...Common,
    ...TaskFields,
    nextAttempt: z.number().int().min(2).describe("The attempt that comes next"),
    delaySeconds: z.number().min(0).describe("Wait before it"),
    error: EventErrorSchema,
  }),
  z.object({ action: z.literal("task.skipped"), ...Common, ...TaskFields, durationMs: DurationMs, reason: z.string().describe("Why there was nothing to do (the TaskSkipped message)") }),
  z.object({
    action: z.literal("task.reused"),
    ...Common,
    task: TaskFields.task,
    attempt: TaskFields.attempt.describe("The original run's attempt whose outcome is reused"),
    originalRunId: z.string().describe("The run this one re-runs (`wf run --rerun`)"),
    originalStatus: z.enum(["success", "skipped"]).describe("How the task ended there"),
  }),
  z.object({ action: z.literal("task.terminated"), ...Common, ...TaskFields, durationMs: DurationMs, metrics: Metrics, reason: z.string().describe("What stopped it, e.g. `received SIGTERM`") }),
  z.object({
    action: z.literal("task.crashed"),
    ...Common,
    ...TaskFields,
    exitCode: z.number().int().nullable().describe("The task process's exit code, or null when a signal ended it"),
    signal: z.string().nullable().describe("The signal that ended it (`SIGKILL` for the kernel's OOM killer), or null"),
    lastAction: z.string().nullable().describe("The last action the task reported before it died, or null"),
  }),
  z.object({
    action: z.literal(CUSTOM_ACTION),
    ...Common,
    ...TaskFields,
    name: z.string().describe("The name task code gave: `this.events.emit(name, payload)`"),
    payload: z.record(z.string(), z.unknown()).describe("What task code gave"),
  }),
] as const));

/** The `data` of a status event: who emitted it, and the action's own fields. */
export const WfEventDataSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion("action", variants));
/** The `data` of a status event. */
export type WfEventData = z.infer<typeof WfEventDataSchema>;
/** The `data` of the events of one action. */
export type WfEventDataOf<A extends EventAction> = Extract<WfEventData, { action: A }>;

/**
 * A status event: a CloudEvents 1.0 envelope (JSON format) around {@link WfEventDataSchema}.
 * The same on every engine and every bus.
 */
export const WfEventSchema = /* @__PURE__ */ pure(() => z.object({
  specversion: z.literal("1.0").describe("CloudEvents version"),
  id: z.string().min(1).describe("Unique id (a UUID); the same on every redelivery, so consumers can de-duplicate by it"),
  source: z.string().min(1).describe("`/wfkit/<engine>/<dag_id>`"),
  type: z.string().startsWith(EVENT_TYPE_PREFIX).describe("`dev.wfkit.<action>`, e.g. `dev.wfkit.task.started`"),
  time: z.iso.datetime().describe("When it happened (RFC 3339, UTC)"),
  subject: z.string().min(1).describe("`<run_id>` for run events, `<run_id>/<task>` for task events"),
  datacontenttype: z.literal("application/json").describe("`data` is JSON"),
  dataschema: z.literal(EVENT_DATA_SCHEMA).describe("Names this schema's version"),
  data: WfEventDataSchema,
}));

/** A status event. */
export type WfEvent = z.infer<typeof WfEventSchema>;
