import * as z from "zod";
import { EngineNameSchema, EventErrorSchema } from "../events/wf-event.js";
import { CodeIdentitySchema } from "./run-log-record.js";
import { pure } from "../util/pure.js";

/** A run's status in the run log: `running` until it ended; `crashed` when its process died. */
export const RunStateSchema = /* @__PURE__ */ pure(() => z.enum(["running", "success", "failed", "terminated", "crashed"]));
/** A run's status in the run log. */
export type RunState = z.infer<typeof RunStateSchema>;

/**
 * A task's status in the run log. `up_for_retry`: its last attempt failed and another comes
 * (Airflow's name); `reused`: a re-run took its outcome from the original run, without running it.
 */
export const TaskStateSchema = /* @__PURE__ */ pure(() => z.enum(["not_run", "running", "up_for_retry", "success", "failed", "skipped", "terminated", "crashed", "upstream_failed", "reused"]));
/** A task's status in the run log. */
export type TaskState = z.infer<typeof TaskStateSchema>;

/** One attempt of a task, folded from its actions. */
export const AttemptViewSchema = /* @__PURE__ */ pure(() => z.object({
  attempt: z.number().int().min(1),
  status: z.enum(["running", "success", "failed", "skipped", "terminated", "crashed"]),
  startedAt: z.string().nullable().describe("When its `run` action was recorded; null when only its end was"),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  host: z.string(),
  pid: z.number().int(),
  error: EventErrorSchema.optional(),
  reason: z.string().optional().describe("Why it was skipped or stopped"),
  metrics: z.record(z.string(), z.number()).optional(),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  retried: z.boolean().describe("A `retry` action followed it"),
}));
/** One attempt of a task. */
export type AttemptView = z.infer<typeof AttemptViewSchema>;

/** One catalog entry a task put or got, from its `catalog` record. */
export const CatalogViewSchema = /* @__PURE__ */ pure(() => z.object({
  stage: z.enum(["put", "get", "carry"]),
  name: z.string(),
  form: z.enum(["file", "folder", "json"]),
  location: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  at: z.string(),
  attempt: z.number().int().min(1),
}));
/** One catalog entry a task put or got. */
export type CatalogView = z.infer<typeof CatalogViewSchema>;

/** One task of a run, folded from its actions. */
export const TaskViewSchema = /* @__PURE__ */ pure(() => z.object({
  task: z.string(),
  upstreams: z.array(z.string()),
  status: TaskStateSchema,
  attempts: z.array(AttemptViewSchema),
  metrics: z.record(z.string(), z.number()).optional().describe("The last ended attempt's metrics"),
  skipReason: z.string().optional(),
  reused: z
    .object({ runId: z.string(), status: z.enum(["success", "skipped"]), attempt: z.number().int().min(1) })
    .optional()
    .describe("`reused`: the run whose outcome it took, how the task ended there and on which attempt"),
  catalog: z.array(CatalogViewSchema).describe("What its attempts put in the run's catalog and got from it, in order (magnus's data catalog)"),
}));
/** One task of a run. */
export type TaskView = z.infer<typeof TaskViewSchema>;

const RunFields = /* @__PURE__ */ pure(() => ({
  dagId: z.string(),
  runId: z.string(),
  workflow: z.string(),
  version: z.string(),
  dagHash: z.string(),
  engine: EngineNameSchema,
  status: RunStateSchema,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  params: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  originalRunId: z.string().nullable(),
  hosts: z.array(z.string()).describe("Hosts that ran it (one per Airflow worker)"),
  code: CodeIdentitySchema,
}));

/** A run with its tasks: `wf runs show --json`, `runLog.run(id)`. */
export const RunViewSchema = /* @__PURE__ */ pure(() => z.object({ ...RunFields, tasks: z.array(TaskViewSchema) }));
/** A run with its tasks. */
export type RunView = z.infer<typeof RunViewSchema>;

/** A run in a list: `wf runs list --json`, `runLog.runs()`; `tasks` counts its tasks by status. */
export const RunSummarySchema = /* @__PURE__ */ pure(() => z.object({ ...RunFields, tasks: z.partialRecord(TaskStateSchema, z.number().int()) }));
/** A run in a list. */
export type RunSummary = z.infer<typeof RunSummarySchema>;
