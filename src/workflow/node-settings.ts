import * as z from "zod";

/** Per-task settings: the task class's statics, overridden per node by `addNode` options. */
export const NodeSettingsSchema = z.object({
  retries: z.number().int().min(0).describe("Retries after the first attempt"),
  retryDelaySeconds: z.number().min(0).describe("Seconds between attempts"),
  queue: z.string().min(1).describe("Worker queue"),
  description: z.string().optional().describe("Shown in exports"),
});

/** Resolved per-task settings. */
export type NodeSettings = z.infer<typeof NodeSettingsSchema>;

/** What {@link NodeSettingsSchema} is given for one node: the class's statics, overridden by `addNode` options. */
export interface NodeSettingsInput {
  retries: unknown;
  retryDelaySeconds: unknown;
  queue: unknown;
  description: unknown;
}

/**
 * `NodeSettingsSchema.safeParse(input)`, with a shortcut for the usual case: settings that the
 * schema accepts as they are come back as the same new object the schema would build (its keys,
 * in its order), without going through zod, which took a good share of analysing a large
 * workflow; anything else goes to the schema, for its verdict and its messages.
 */
export function parseNodeSettings(input: NodeSettingsInput): ReturnType<typeof NodeSettingsSchema.safeParse> {
  const { retries, retryDelaySeconds, queue, description } = input;
  if (
    typeof retries === "number" &&
    Number.isSafeInteger(retries) &&
    retries >= 0 &&
    typeof retryDelaySeconds === "number" &&
    Number.isFinite(retryDelaySeconds) &&
    retryDelaySeconds >= 0 &&
    typeof queue === "string" &&
    queue.length > 0 &&
    (description === undefined || typeof description === "string")
  ) {
    return { success: true, data: { retries, retryDelaySeconds, queue, description } };
  }
  return NodeSettingsSchema.safeParse(input);
}
