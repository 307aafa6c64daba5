import * as z from "zod";
import { EngineNameSchema, EventErrorSchema } from "../events/wf-event.js";
import { TaskTimeoutError } from "../task/errors.js";
import { pure } from "../util/pure.js";

/** Final state of a task in a run. `reused`: a re-run took its outcome from the original run instead of running it. */
export const TaskStatusSchema = /* @__PURE__ */ pure(() => z.enum(["success", "failed", "upstream_failed", "skipped", "terminated", "not_run", "reused"]));
/** Final state of a task in a run. */
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** Final state of a run. */
export const RunStatusSchema = /* @__PURE__ */ pure(() => z.enum(["success", "failed", "terminated"]));
/** Final state of a run. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** One attempt of a task. */
export const AttemptResultSchema = /* @__PURE__ */ pure(() => z.object({
  attempt: z.number().int().min(1),
  status: z.enum(["success", "failed", "skipped", "terminated"]),
  startedAt: z.string().describe("ISO-8601"),
  endedAt: z.string().describe("ISO-8601"),
  durationMs: z.number(),
  error: z.string().optional().describe("`Name: message` of what the attempt threw"),
  failure: EventErrorSchema.optional().describe("What the attempt threw as the events carry it: class, message and who can fix it (`resolvableBy`)"),
  metrics: z.record(z.string(), z.number()).optional().describe("The attempt's progress metrics, summed over its trackers; absent when it recorded none"),
}));
/** One attempt of a task. */
export type AttemptResult = z.infer<typeof AttemptResultSchema>;

/** One task of a run. */
export const TaskResultSchema = /* @__PURE__ */ pure(() => z.object({
  task: z.string(),
  status: TaskStatusSchema,
  upstreams: z.array(z.string()),
  attempts: z.array(AttemptResultSchema),
  /** The last attempt's progress metrics; absent when it recorded none. */
  metrics: z.record(z.string(), z.number()).optional(),
  reused: z
    .object({ runId: z.string(), status: z.enum(["success", "skipped"]) })
    .optional()
    .describe("`reused`: the original run whose outcome it took, and how the task ended there"),
  rerunReason: z.string().optional().describe("In a re-run: why the task ran again although the original run's outcome could have been reused (its catalog entry was missing)"),
  /** What the last attempt threw, exactly as thrown (never wrapped). Not part of JSON output. */
  error: z.unknown().optional(),
}));
/** One task of a run. */
export type TaskResult = z.infer<typeof TaskResultSchema>;

/** The result of a run, on any engine. */
export const RunResultSchema = /* @__PURE__ */ pure(() => z.object({
  runId: z.string(),
  workflow: z.string(),
  version: z.string(),
  dagId: z.string(),
  dagHash: z.string(),
  engine: EngineNameSchema,
  status: RunStatusSchema,
  params: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  runDir: z.string(),
  originalRunId: z.string().optional().describe("The run this one re-runs (`wf run --rerun`); absent otherwise"),
  /** Why the run failed apart from its tasks: it could not write its own files (result.json, events.jsonl, run.log). */
  error: z.string().optional().describe("Why the run failed apart from its tasks: it could not write its own files (a full disk); absent otherwise"),
  /** In topological order. */
  tasks: z.array(TaskResultSchema),
}));
/** The result of a run, on any engine. */
export type RunResult = z.infer<typeof RunResultSchema>;

/** The result as plain JSON: each task's `error` object is left out (its text is in `attempts`). */
export function runResultToJson(result: RunResult): unknown {
  return { ...result, tasks: result.tasks.map(({ error: _error, ...rest }) => rest) };
}

/**
 * A run's status from its tasks': `terminated` when a cancel cut any task short (a task that
 * timed out failed: its run fails) (a cancel after
 * every task had finished cut nothing short), `success` when every task succeeded, was skipped
 * or was reused, `failed` otherwise.
 */
export function runStatusOf(tasks: readonly TaskResult[]): RunStatus {
  if (tasks.some((t) => (t.status === "terminated" && !(t.error instanceof TaskTimeoutError)) || t.status === "not_run")) return "terminated";
  return tasks.every((t) => t.status === "success" || t.status === "skipped" || t.status === "reused") ? "success" : "failed";
}
