import { colors as pc } from "../util/colors.js";
import type { RunResult, TaskResult, TaskStatus } from "../run/run-result.js";
import { formatMetrics } from "../progress/progress-format.js";

const MARK: Record<TaskStatus, string> = {
  success: "✔",
  failed: "✖",
  upstream_failed: "∅",
  skipped: "↷",
  terminated: "■",
  not_run: "·",
  reused: "↺",
};

function paint(color: boolean, status: string, text: string): string {
  if (!color) return text;
  if (status === "success" || status === "reused") return pc.green(text);
  if (status === "failed" || status === "terminated") return pc.red(text);
  if (status === "upstream_failed") return pc.yellow(text);
  return pc.dim(text);
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function detail(task: TaskResult): string {
  if (task.reused !== undefined) return `from run ${task.reused.runId}${task.reused.status === "skipped" ? " (skipped there)" : ""}`;
  const attempts = task.attempts;
  const last = attempts.at(-1);
  const why = task.rerunReason === undefined ? "" : `  ran again: ${task.rerunReason}`;
  if (!last) return why.trim();
  const total = attempts.reduce((sum, a) => sum + a.durationMs, 0);
  const earlier = attempts.slice(0, -1).map((a) => `attempt ${a.attempt}: ${a.error}`);
  const parts = [attempts.length > 1 ? `on attempt ${last.attempt}, ${duration(total)}` : duration(total)];
  if (task.metrics !== undefined) parts.push(formatMetrics(task.metrics));
  if (task.status !== "success" && last.error) parts.push(last.error);
  if (earlier.length > 0) parts.push(`(${earlier.join("; ")})`);
  return parts.join("  ") + why;
}

/** How to show a run's summary. */
export interface RunSummaryOptions {
  /** Colour by status (a terminal). */
  color: boolean;
  /** The command that re-runs this run's failed part (`wf run FILE --rerun ID`): shown when the run did not succeed. */
  rerunCommand?: string | undefined;
}

/** The short human summary of a run: what `wf run` and the notebook's last cell print. */
export function renderRunSummary(result: RunResult, options: RunSummaryOptions | boolean): string {
  const { color, rerunCommand } = typeof options === "boolean" ? { color: options, rerunCommand: undefined } : options;
  const reused = result.tasks.filter((t) => t.status === "reused").length;
  const rerunOf = result.originalRunId === undefined ? "" : `  re-run of ${result.originalRunId} (${reused} reused)`;
  const head = `${MARK[result.status === "success" ? "success" : result.status === "failed" ? "failed" : "terminated"]} ${result.dagId}  ${result.status}  ${result.tasks.length} task${result.tasks.length === 1 ? "" : "s"} in ${duration(result.durationMs)}  run ${result.runId}${rerunOf}`;
  const width = Math.max(...result.tasks.map((t) => t.task.length));
  const statusWidth = Math.max(...result.tasks.map((t) => t.status.length));
  const lines = [paint(color, result.status, head)];
  for (const task of result.tasks) {
    const text = `  ${MARK[task.status]} ${task.task.padEnd(width)}  ${task.status.padEnd(statusWidth)}  ${detail(task)}`.trimEnd();
    lines.push(paint(color, task.status, text));
  }
  if (result.error !== undefined) lines.push(paint(color, "failed", `  ${MARK.failed} ${result.error}`));
  lines.push(color ? pc.dim(`  run dir: ${result.runDir}`) : `  run dir: ${result.runDir}`);
  if (result.status !== "success" && rerunCommand !== undefined) lines.push(`  re-run the failed part: ${rerunCommand}`);
  return `${lines.join("\n")}\n`;
}
