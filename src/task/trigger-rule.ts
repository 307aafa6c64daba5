import * as z from "zod";
import { pure } from "../util/pure.js";

/** Airflow's trigger rules that wfkit runs the same way on every engine. */
export const TRIGGER_RULES = [
  "all_success",
  "all_done",
  "all_failed",
  "one_failed",
  "one_success",
  "none_failed",
  "none_failed_min_one_success",
  "none_skipped",
] as const;

/** When a task runs, given how its direct upstream tasks ended. */
export const TriggerRuleSchema = /* @__PURE__ */ pure(() => z.enum(TRIGGER_RULES));
/** One of {@link TRIGGER_RULES}. */
export type TriggerRule = z.infer<typeof TriggerRuleSchema>;

/** How a task's direct upstream tasks ended, counted. */
export interface UpstreamCounts {
  success: number;
  skipped: number;
  /** Failed or terminated. */
  failed: number;
  upstreamFailed: number;
}

/** What a task does, given how its upstream tasks ended: run, end without running, or wait for the rest. */
export type TriggerDecision = "run" | "skipped" | "upstream_failed";

/**
 * Airflow's trigger-rule verdict (`TriggerRuleDep` with `flag_upstream_failed`, Airflow 2.11 and
 * 3.3) for a task whose direct upstream tasks ended as `counts` say, with `pending` of them still
 * to end. While some are pending the verdict can already be known (an `all_success` task with a
 * failed upstream is `upstream_failed` at once), or it is `wait`. With none pending it is never
 * `wait`. A task with no upstream runs, whatever its rule. Airflow starts a `one_failed` or
 * `one_success` task as soon as the rule is met; an engine that waits for every upstream to end
 * reaches the same final state.
 */
export function decideTriggerRule(rule: TriggerRule, counts: UpstreamCounts): TriggerDecision;
/** The verdict while `pending` upstream tasks have not ended yet: `wait` when it is not known. */
export function decideTriggerRule(rule: TriggerRule, counts: UpstreamCounts, pending: number): TriggerDecision | "wait";
/** The verdict, with every upstream counted. */
export function decideTriggerRule(rule: TriggerRule, counts: UpstreamCounts, pending = 0): TriggerDecision | "wait" {
  const { success, skipped, failed, upstreamFailed } = counts;
  const done = pending === 0;
  const total = success + skipped + failed + upstreamFailed + pending;
  if (total === 0) return "run";
  const failures = failed + upstreamFailed;
  const otherwise = done ? "run" : "wait";
  switch (rule) {
    case "all_success":
      return failures > 0 ? "upstream_failed" : skipped > 0 ? "skipped" : otherwise;
    case "all_done":
      return otherwise;
    case "all_failed":
      return success > 0 || skipped > 0 ? "skipped" : otherwise;
    case "one_failed":
      return failures > 0 ? "run" : done ? "skipped" : "wait";
    case "one_success":
      return success > 0 ? "run" : !done ? "wait" : skipped === total ? "skipped" : "upstream_failed";
    case "none_failed":
      return failures > 0 ? "upstream_failed" : otherwise;
    case "none_failed_min_one_success":
      return failures > 0 ? "upstream_failed" : !done ? "wait" : skipped === total ? "skipped" : success > 0 ? "run" : "upstream_failed";
    case "none_skipped":
      return skipped > 0 ? "skipped" : otherwise;
  }
}
