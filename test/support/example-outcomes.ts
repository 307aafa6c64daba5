/**
 * How each example is designed to end on Airflow, where that is not "the run and every task
 * succeed": examples/flaky.ts fails on purpose (one task always fails, its downstream tasks never
 * run). The same on every Airflow runtime (BashOperator and SDK).
 */
export const DESIGNED: Record<string, { run: string; tasks: Record<string, string> }> = {
  flaky_demo_dev: {
    run: "failed",
    tasks: { Start: "success", Flaky: "success", Summarize: "success", AlwaysFails: "failed", Publish: "upstream_failed", Notify: "upstream_failed" },
  },
};

/** How each example DAG is designed to end: its DESIGNED entry, else the run and each of `tasks` succeed. */
export function designedOutcomes(runs: Record<string, { tasks: { task_id: string }[] }>): Record<string, { run: string; tasks: Record<string, string> }> {
  return Object.fromEntries(
    Object.entries(runs).map(([dagId, f]) => [dagId, DESIGNED[dagId] ?? { run: "success", tasks: Object.fromEntries(f.tasks.map((t) => [t.task_id, "success"])) }]),
  );
}
