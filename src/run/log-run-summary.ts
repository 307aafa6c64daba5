import type { WfLogger } from "../logging/logger.js";
import type { RunResult, TaskStatus } from "./run-result.js";

/**
 * The run summary as one structured log line (for the json, logfmt and ltsv formats, where the
 * boxed text summary would be the only line a machine cannot read): info when the run
 * succeeded, error otherwise, with the task counts by status, the failed tasks' errors and why
 * the run failed apart from its tasks; a re-run names its original, and a failed run the command
 * that re-runs it.
 */
export function logRunSummary(logger: WfLogger, result: RunResult, rerunCommand?: string): void {
  const counts: Partial<Record<TaskStatus, number>> = {};
  for (const task of result.tasks) counts[task.status] = (counts[task.status] ?? 0) + 1;
  const failed = result.tasks.filter((t) => t.status === "failed").map((t) => `${t.task}: ${t.attempts.at(-1)?.error ?? ""}`);
  const fields = {
    status: result.status,
    dag_id: result.dagId,
    run_id: result.runId,
    duration_ms: result.durationMs,
    tasks: counts,
    ...(failed.length > 0 ? { failed } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.originalRunId !== undefined ? { original_run_id: result.originalRunId, reused: counts.reused ?? 0 } : {}),
    run_dir: result.runDir,
    ...(rerunCommand !== undefined ? { rerun: rerunCommand } : {}),
  };
  const message = `run ${result.status}: ${result.tasks.length} task${result.tasks.length === 1 ? "" : "s"} of ${result.dagId}${result.error !== undefined ? `: ${result.error}` : ""}`;
  if (result.status === "success") logger.info(message, fields);
  else logger.error(message, fields);
}
