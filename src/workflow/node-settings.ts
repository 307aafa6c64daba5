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
