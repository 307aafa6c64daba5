import { describe, expect, it } from "vitest";
import { decideTriggerRule, TRIGGER_RULES, type TriggerRule } from "../../../src/task/trigger-rule.js";

// Airflow's verdicts with every upstream ended (TriggerRuleDep, 2.11 and 3.3), one column per
// combination of how two upstream tasks ended. test/integration/trigger-rules.test.ts checks the
// same rules against a real Airflow and the local engine.
const S = { success: 1, skipped: 0, failed: 0, upstreamFailed: 0 };
const combos = {
  "success+success": { success: 2, skipped: 0, failed: 0, upstreamFailed: 0 },
  "success+skipped": { success: 1, skipped: 1, failed: 0, upstreamFailed: 0 },
  "success+failed": { success: 1, skipped: 0, failed: 1, upstreamFailed: 0 },
  "skipped+skipped": { success: 0, skipped: 2, failed: 0, upstreamFailed: 0 },
  "failed+failed": { success: 0, skipped: 0, failed: 2, upstreamFailed: 0 },
  "skipped+upstream_failed": { success: 0, skipped: 1, failed: 0, upstreamFailed: 1 },
} as const;
const expected: Record<TriggerRule, Record<keyof typeof combos, string>> = {
  all_success: { "success+success": "run", "success+skipped": "skipped", "success+failed": "upstream_failed", "skipped+skipped": "skipped", "failed+failed": "upstream_failed", "skipped+upstream_failed": "upstream_failed" },
  all_done: { "success+success": "run", "success+skipped": "run", "success+failed": "run", "skipped+skipped": "run", "failed+failed": "run", "skipped+upstream_failed": "run" },
  all_failed: { "success+success": "skipped", "success+skipped": "skipped", "success+failed": "skipped", "skipped+skipped": "skipped", "failed+failed": "run", "skipped+upstream_failed": "skipped" },
  one_failed: { "success+success": "skipped", "success+skipped": "skipped", "success+failed": "run", "skipped+skipped": "skipped", "failed+failed": "run", "skipped+upstream_failed": "run" },
  one_success: { "success+success": "run", "success+skipped": "run", "success+failed": "run", "skipped+skipped": "skipped", "failed+failed": "upstream_failed", "skipped+upstream_failed": "upstream_failed" },
  none_failed: { "success+success": "run", "success+skipped": "run", "success+failed": "upstream_failed", "skipped+skipped": "run", "failed+failed": "upstream_failed", "skipped+upstream_failed": "upstream_failed" },
  none_failed_min_one_success: { "success+success": "run", "success+skipped": "run", "success+failed": "upstream_failed", "skipped+skipped": "skipped", "failed+failed": "upstream_failed", "skipped+upstream_failed": "upstream_failed" },
  none_skipped: { "success+success": "run", "success+skipped": "skipped", "success+failed": "run", "skipped+skipped": "skipped", "failed+failed": "run", "skipped+upstream_failed": "skipped" },
};

describe("decideTriggerRule", () => {
  it.each(TRIGGER_RULES)("%s decides as Airflow does once every upstream ended", (rule) => {
    const got = Object.fromEntries(Object.entries(combos).map(([name, counts]) => [name, decideTriggerRule(rule, counts)]));
    expect(got).toEqual(expected[rule]);
  });

  it("runs a task with no upstream, whatever its rule", () => {
    for (const rule of TRIGGER_RULES) expect(decideTriggerRule(rule, { success: 0, skipped: 0, failed: 0, upstreamFailed: 0 })).toBe("run");
  });

  it("decides early where Airflow does, and waits where it cannot know yet", () => {
    const failed = { success: 0, skipped: 0, failed: 1, upstreamFailed: 0 };
    expect(decideTriggerRule("all_success", failed, 1)).toBe("upstream_failed");
    expect(decideTriggerRule("one_failed", failed, 1)).toBe("run");
    expect(decideTriggerRule("one_success", S, 1)).toBe("run");
    expect(decideTriggerRule("all_done", failed, 1)).toBe("wait");
    expect(decideTriggerRule("one_failed", S, 1)).toBe("wait");
    expect(decideTriggerRule("none_failed_min_one_success", S, 1)).toBe("wait");
    expect(decideTriggerRule("all_success", S, 1)).toBe("wait");
  });
});
