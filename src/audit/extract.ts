import * as z from "zod";
import { pure } from "../util/pure.js";

/**
 * An extract's status (ProcessTracker's extract lifecycle): `ready` (registered, waiting to be
 * loaded), `loading` (a run claimed it), `loaded`, `failed` (its load failed; it may be made
 * `ready` again), `archived` (kept for the record, never loaded again).
 */
export const ExtractStatusSchema = /* @__PURE__ */ pure(() => z.enum(["ready", "loading", "loaded", "failed", "archived"]));
/** An extract's status. */
export type ExtractStatus = z.infer<typeof ExtractStatusSchema>;

/** The statuses an extract may move to from each status. */
export const NEXT_STATUSES: Readonly<Record<ExtractStatus, readonly ExtractStatus[]>> = {
  ready: ["loading", "archived"],
  loading: ["loaded", "failed", "ready"],
  loaded: ["archived"],
  failed: ["ready", "archived"],
  archived: [],
};

/** The statuses an extract may move to `to` from. */
export function statusesBefore(to: ExtractStatus): ExtractStatus[] {
  return ExtractStatusSchema.options.filter((from) => NEXT_STATUSES[from].includes(to));
}

/** Which run and task did something to an extract (null fields: the command line, not a run). */
export const ExtractActorSchema = /* @__PURE__ */ pure(() => z.object({
  workflow: z.string().describe("Workflow name"),
  dagId: z.string().describe("Dag id of the run"),
  runId: z.string().describe("Run id"),
  task: z.string().describe("Task name"),
}));
/** Which run and task did something to an extract. */
export type ExtractActor = z.infer<typeof ExtractActorSchema>;

/** An extract: a file a workflow consumes or produces, registered with its location and status. */
export const ExtractSchema = /* @__PURE__ */ pure(() => z.object({
  location: z.string().describe("Where the file is: a folder path or a URL (`s3://bucket/prefix`)"),
  filename: z.string().describe("The file's name in its location"),
  status: ExtractStatusSchema,
  producer: ExtractActorSchema.nullable().describe("The run and task that registered it, or null (registered from the command line)"),
  changedBy: ExtractActorSchema.nullable().describe("The run and task that made the last status change, or null (none since it was registered, or the command line)"),
  registeredAt: z.iso.datetime().describe("When it was registered (RFC 3339, UTC)"),
  updatedAt: z.iso.datetime().describe("When its status last changed (RFC 3339, UTC)"),
}));
/** An extract. */
export type Extract = z.infer<typeof ExtractSchema>;

/** Which extracts a finder returns; every field given must hold. */
export interface ExtractFilter {
  /** The whole filename, or (with `partial`) a part of it: `my_file_` finds `my_file_2019_01_01.csv` and `this_is_my_file_.xls`. */
  filename?: string | undefined;
  partial?: boolean | undefined;
  /** The location, exactly as registered. */
  location?: string | undefined;
  /** The workflow (name) that registered them. */
  producer?: string | undefined;
  /** Default `ready`; `"any"` for every status. */
  status?: ExtractStatus | "any" | undefined;
  /** At most this many, ordered by location then filename. Default all. */
  limit?: number | undefined;
}

/** An extract's identity: its location and filename. */
export interface ExtractKey {
  location: string;
  filename: string;
}
