import * as z from "zod";
import { TriggerRuleSchema } from "../task/trigger-rule.js";
import { pure } from "../util/pure.js";

/** Airflow's priority weights are stored as 32-bit integers. */
const MAX_PRIORITY = 2 ** 31 - 1;

/**
 * Per-task settings: the task class's statics, then the workflow's `defaultTaskSettings` for
 * those the class leaves out, then wfkit's defaults; `addNode` options override them per node.
 */
export const NodeSettingsSchema = /* @__PURE__ */ pure(() => z.object({
  retries: z.number().int().min(0).describe("Retries after the first attempt (Airflow `retries`); default 0"),
  retryDelaySeconds: z.number().min(0).describe("Seconds between attempts (Airflow `retry_delay`); default 60"),
  retryExponentialBackoff: z.boolean().describe("Double the delay after each failed attempt, as Airflow's `retry_exponential_backoff` (Airflow adds up to as much again as jitter); default false"),
  maxRetryDelaySeconds: z.number().positive().optional().describe("The longest delay between attempts with backoff (Airflow `max_retry_delay`); default none"),
  timeoutSeconds: z.number().positive().optional().describe("An attempt running longer fails: locally its signal aborts and it ends `terminated`; Airflow `execution_timeout`; default none"),
  queue: z.string().min(1).describe("Worker queue (Airflow `queue`); default `default`"),
  pool: z.string().min(1).optional().describe("Airflow pool the task takes slots from (Airflow `pool`); default Airflow's `default_pool`"),
  poolSlots: z.number().int().min(1).describe("Slots of the pool one attempt takes (Airflow `pool_slots`); default 1"),
  priorityWeight: z.number().int().min(-MAX_PRIORITY).max(MAX_PRIORITY).describe("Airflow `priority_weight`: higher runs first when slots are short; locally, ties among ready tasks go to the higher one; default 1"),
  owner: z.string().min(1).optional().describe("Airflow `owner`; default the workflow's owner"),
  triggerRule: TriggerRuleSchema.describe("When the task runs, given how its upstream tasks ended (Airflow `trigger_rule`), the same on every engine; default `all_success`"),
  description: z.string().optional().describe("Shown in exports"),
}));

/** Resolved per-task settings. */
export type NodeSettings = z.infer<typeof NodeSettingsSchema>;

/** The settings a workflow's `defaultTaskSettings`, a task class or `addNode` can give. */
export const TASK_SETTING_KEYS = [
  "retries",
  "retryDelaySeconds",
  "retryExponentialBackoff",
  "maxRetryDelaySeconds",
  "timeoutSeconds",
  "queue",
  "pool",
  "poolSlots",
  "priorityWeight",
  "owner",
  "triggerRule",
] as const satisfies readonly (keyof NodeSettings)[];

/** The name of one task setting. */
export type TaskSettingKey = (typeof TASK_SETTING_KEYS)[number];

/** Task settings a workflow gives every task that does not set them itself. */
export const DefaultTaskSettingsSchema = /* @__PURE__ */ pure(() => NodeSettingsSchema.pick({
  retries: true,
  retryDelaySeconds: true,
  retryExponentialBackoff: true,
  maxRetryDelaySeconds: true,
  timeoutSeconds: true,
  queue: true,
  pool: true,
  poolSlots: true,
  priorityWeight: true,
  owner: true,
  triggerRule: true,
})
  .partial()
  .strict());

/** What {@link NodeSettingsSchema} is given for one node, before checking. */
export type NodeSettingsInput = { [K in keyof NodeSettings]: unknown };

/** Settings that the task classes of most workflows leave as they are: read past the fast path. */
const optional = (value: unknown, type: "string" | "number") => value === undefined || (typeof value === type && (type === "string" ? value !== "" : Number.isFinite(value) && (value as number) > 0));

/**
 * `NodeSettingsSchema.safeParse(input)`, with a shortcut for the usual case: settings that the
 * schema accepts as they are come back as the same new object the schema would build (its keys,
 * in its order), without going through zod, which took a good share of analysing a large
 * workflow; anything else goes to the schema, for its verdict and its messages.
 */
export function parseNodeSettings(input: NodeSettingsInput): ReturnType<typeof NodeSettingsSchema.safeParse> {
  const { retries, retryDelaySeconds, retryExponentialBackoff, maxRetryDelaySeconds, timeoutSeconds, queue, pool, poolSlots, priorityWeight, owner, triggerRule, description } = input;
  if (
    typeof retries === "number" &&
    Number.isSafeInteger(retries) &&
    retries >= 0 &&
    typeof retryDelaySeconds === "number" &&
    Number.isFinite(retryDelaySeconds) &&
    retryDelaySeconds >= 0 &&
    typeof retryExponentialBackoff === "boolean" &&
    optional(maxRetryDelaySeconds, "number") &&
    optional(timeoutSeconds, "number") &&
    typeof queue === "string" &&
    queue.length > 0 &&
    optional(pool, "string") &&
    poolSlots === 1 &&
    priorityWeight === 1 &&
    optional(owner, "string") &&
    triggerRule === "all_success" &&
    (description === undefined || typeof description === "string")
  ) {
    return {
      success: true,
      data: {
        retries,
        retryDelaySeconds,
        retryExponentialBackoff,
        maxRetryDelaySeconds: maxRetryDelaySeconds as number | undefined,
        timeoutSeconds: timeoutSeconds as number | undefined,
        queue,
        pool: pool as string | undefined,
        poolSlots,
        priorityWeight,
        owner: owner as string | undefined,
        triggerRule,
        description,
      },
    };
  }
  return NodeSettingsSchema.safeParse(input);
}

/**
 * Seconds to wait before attempt `next` (2 or more) of a task, as Airflow computes it without
 * its jitter: the delay, doubled after each failed attempt with backoff (from at least one
 * second, as Airflow does), capped at `maxRetryDelaySeconds`.
 */
export function retryDelayBefore(settings: Pick<NodeSettings, "retryDelaySeconds" | "retryExponentialBackoff" | "maxRetryDelaySeconds">, next: number): number {
  if (!settings.retryExponentialBackoff) return settings.retryDelaySeconds;
  const grown = Math.max(1, Math.ceil(settings.retryDelaySeconds * 2 ** Math.max(0, next - 2)));
  return settings.maxRetryDelaySeconds === undefined ? grown : Math.min(grown, settings.maxRetryDelaySeconds);
}
