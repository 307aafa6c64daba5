import * as z from "zod";

/** Engines a run can happen on. */
export const EngineNameSchema = z.enum(["local", "airflow", "notebook"]);
/** An engine name. */
export type EngineName = z.infer<typeof EngineNameSchema>;

/** Lifecycle actions wfkit itself emits. Task code may emit its own types too. */
export const LIFECYCLE_ACTIONS = [
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.terminated",
  "task.started",
  "task.succeeded",
  "task.failed",
  "task.retrying",
  "task.skipped",
  "task.terminated",
] as const;

/** A lifecycle action. */
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** A status event, the same on every engine. */
export const WfEventSchema = z.object({
  id: z.string().describe("Unique id of this event"),
  type: z.string().describe("Action, e.g. task.started"),
  time: z.string().describe("ISO-8601 time the event was emitted"),
  runId: z.string(),
  dagId: z.string(),
  workflow: z.string(),
  version: z.string(),
  engine: EngineNameSchema,
  task: z.string().optional(),
  attempt: z.number().int().min(1).optional(),
  data: z.record(z.string(), z.unknown()),
});

/** A status event. */
export type WfEvent = z.infer<typeof WfEventSchema>;
