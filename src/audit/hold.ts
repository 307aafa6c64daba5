import * as z from "zod";
import { pure } from "../util/pure.js";

/**
 * What happened to a workflow's hold (ProcessTracker's "on hold"): `refuse` (a run was refused
 * because the workflow is on hold), `release` (`wf audit release`: runs may start again).
 */
export const HoldActionSchema = /* @__PURE__ */ pure(() => z.enum(["refuse", "release"]));
/** A hold action. */
export type HoldAction = z.infer<typeof HoldActionSchema>;

/** One hold action of one workflow, kept in the run log's store. */
export const HoldRecordSchema = /* @__PURE__ */ pure(() => z.object({
  id: z.string().describe("Unique id of the record"),
  workflow: z.string().describe("Workflow name (holds apply to every version)"),
  action: HoldActionSchema,
  at: z.iso.datetime().describe("When (RFC 3339, UTC)"),
  by: z.string().describe("Who: `user@host` of the process that wrote it"),
  host: z.string().describe("Host of the process that wrote it"),
  pid: z.number().int().describe("Process id of the process that wrote it"),
  dagId: z.string().nullable().describe("The refused run's dag id (`refuse`), or null"),
  runId: z.string().nullable().describe("The refused run's id (`refuse`), or null"),
  reason: z.string().describe("Why: the failures that put it on hold (`refuse`), or what the person who released it said (`release`)"),
}));
/** One hold action of one workflow. */
export type HoldRecord = z.infer<typeof HoldRecordSchema>;
