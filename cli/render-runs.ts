import { colors as pc } from "../src/util/colors.js";
import type { ActionRecord } from "../src/run-log/run-log-record.js";
import type { RunSummary, RunView, TaskView } from "../src/run-log/run-view.js";
import { formatMetrics } from "../src/progress/progress-format.js";

/** Columns of the timeline in `wf runs show`. */
const TIMELINE_WIDTH = 40;

function paint(color: boolean, status: string, text: string): string {
  if (!color) return text;
  if (status === "success" || status === "reused") return pc.green(text);
  if (status === "failed" || status === "crashed" || status === "terminated" || status === "fail" || status === "crash" || status === "terminate") return pc.red(text);
  if (status === "running" || status === "up_for_retry" || status === "run" || status === "retry") return pc.cyan(text);
  if (status === "upstream_failed") return pc.yellow(text);
  return pc.dim(text);
}

/** `1.23 s`, `850 ms`, `4m 05s`, or `-` when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s` : `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

/** `2026-12-03 21:04:05` (UTC): the time as a person scans a column of them. */
function shortTime(iso: string | null): string {
  return iso === null ? "-" : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Rows as aligned columns; `status` names the column whose value colours its row. */
function table(header: string[], rows: string[][], color: boolean, status: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [color ? pc.bold(line(header)) : line(header)];
  for (const row of rows) out.push(paint(color, row[status]!, line(row)));
  return `${out.join("\n")}\n`;
}

function counts(tasks: RunSummary["tasks"]): string {
  return Object.entries(tasks)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
}

/** `wf runs list`: one line per run, newest first. */
export function renderRunList(runs: readonly RunSummary[], color: boolean): string {
  if (runs.length === 0) return "no runs recorded match\n";
  return table(
    ["STARTED (UTC)", "DAG ID", "RUN ID", "ENGINE", "STATUS", "DURATION", "TASKS", "TAGS"],
    runs.map((r) => [shortTime(r.startedAt), r.dagId, r.runId, r.engine, r.status, formatDuration(r.durationMs), counts(r.tasks), r.tags.join(",")]),
    color,
    4,
  );
}

function attemptText(task: TaskView): string {
  return task.attempts
    .map((a) => {
      const parts = [`#${a.attempt} ${a.status} ${formatDuration(a.durationMs)}`];
      if (a.error !== undefined) parts.push(`${a.error.name}: ${a.error.message} (resolvable by ${a.error.resolvableBy})`);
      if (a.status === "crashed") parts.push(a.signal ? `killed by ${a.signal}` : a.exitCode !== null && a.exitCode !== undefined ? `exit ${a.exitCode}` : (a.reason ?? ""));
      else if (a.reason !== undefined) parts.push(a.reason);
      if (a.host !== "") parts.push(`${a.host}:${a.pid}`);
      return parts.filter((p) => p !== "").join("  ");
    })
    .join("\n");
}

/** The bar of one task over the run's span: where its attempts ran, in TIMELINE_WIDTH columns. */
function bar(task: TaskView, start: number, span: number, now: number): string {
  const cells = Array<string>(TIMELINE_WIDTH).fill(" ");
  for (const a of task.attempts) {
    const from = Date.parse(a.startedAt ?? a.endedAt ?? "");
    if (Number.isNaN(from)) continue;
    const to = a.endedAt === null ? now : Date.parse(a.endedAt);
    const first = Math.min(TIMELINE_WIDTH - 1, Math.floor(((from - start) / span) * TIMELINE_WIDTH));
    const last = Math.min(TIMELINE_WIDTH - 1, Math.max(first, Math.ceil(((to - start) / span) * TIMELINE_WIDTH) - 1));
    for (let i = Math.max(0, first); i <= last; i++) cells[i] = a.status === "success" || a.status === "running" ? "█" : a.status === "skipped" ? "░" : "▓";
  }
  return `|${cells.join("")}|`;
}

/** `wf runs show`: the run, its tasks with attempts, and a timeline (one bar per task over the run's span). */
export function renderRun(run: RunView, color: boolean, now = Date.now()): string {
  const lines: string[] = [];
  const head = `${run.dagId}  run ${run.runId}  ${run.status}`;
  lines.push(color ? paint(color, run.status, pc.bold(head)) : head);
  const git = run.code.git;
  lines.push(
    `  engine ${run.engine}, started ${shortTime(run.startedAt)} UTC, ${run.endedAt === null ? "still running" : `took ${formatDuration(run.durationMs)}`}, on ${run.hosts.join(", ")}`,
    `  code: ${run.code.package === null ? "no package" : `${run.code.package.name}@${run.code.package.version}`}, wfkit ${run.code.wfkit}, node ${run.code.node}${git === null ? "" : `, git ${git.commit.slice(0, 12)}${git.clean ? "" : ` (${git.dirty.length} changed file${git.dirty.length === 1 ? "" : "s"})`}`}, dag hash ${run.dagHash.slice(0, 12)}`,
  );
  if (Object.keys(run.params).length > 0) lines.push(`  params: ${JSON.stringify(run.params)}`);
  if (run.tags.length > 0) lines.push(`  tags: ${run.tags.join(", ")}`);
  if (run.originalRunId !== null) lines.push(`  re-run of ${run.originalRunId}`);
  lines.push("");
  const start = Date.parse(run.startedAt);
  const end = run.endedAt === null ? now : Date.parse(run.endedAt);
  const span = Math.max(1, end - start);
  const name = Math.max(4, ...run.tasks.map((t) => t.task.length));
  const status = Math.max(6, ...run.tasks.map((t) => t.status.length));
  lines.push(`  ${"TASK".padEnd(name)}  ${"STATUS".padEnd(status)}  ${"TIMELINE".padEnd(TIMELINE_WIDTH + 2)}  ATTEMPTS`);
  for (const task of run.tasks) {
    const none = task.reused === undefined ? "-" : `from run ${task.reused.runId} (#${task.reused.attempt} ${task.reused.status})`;
    const [first = "-", ...rest] = task.attempts.length === 0 ? [none] : attemptText(task).split("\n");
    const metrics = task.metrics === undefined ? "" : formatMetrics(task.metrics);
    const row = `  ${task.task.padEnd(name)}  ${task.status.padEnd(status)}  ${bar(task, start, span, now)}  ${first}${metrics === "" ? "" : `  ${metrics}`}`.trimEnd();
    lines.push(paint(color, task.status, row));
    const indent = " ".repeat(2 + name + 2 + status + 2 + TIMELINE_WIDTH + 2 + 2);
    for (const more of rest) lines.push(paint(color, task.status, `${indent}${more}`));
  }
  lines.push("", `  timeline: ${shortTime(run.startedAt)} → ${run.endedAt === null ? "now" : shortTime(run.endedAt)} UTC (█ ran, ▓ failed/stopped, ░ skipped)`);
  lines.push(...catalogLines(run));
  return `${lines.join("\n")}\n`;
}

/** The data the run's tasks put in its catalog and got from it, in order (magnus's data catalog). */
function catalogLines(run: RunView): string[] {
  const rows = run.tasks.flatMap((t) => t.catalog.map((c) => [t.task, c.stage, c.name, c.form, formatBytes(c.size), `sha256 ${c.sha256.slice(0, 12)}`]));
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return ["", "  catalog:", ...rows.map((r) => `    ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")}`)];
}

/** `1.2 KB`, `15 B`: sizes as people read them (1 KB = 1,000 bytes, as `ls -h --si`). */
function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `wf runs actions`: one line per task action, newest first. */
export function renderActions(actions: readonly ActionRecord[], color: boolean): string {
  if (actions.length === 0) return "no actions recorded match\n";
  return table(
    ["AT (UTC)", "DAG ID", "RUN ID", "TASK", "ATTEMPT", "ACTION", "DETAIL"],
    actions.map((a) => [
      shortTime(a.at),
      a.dagId,
      a.runId,
      a.task,
      String(a.attempt),
      a.action,
      [a.durationMs === undefined ? "" : formatDuration(a.durationMs), a.error ? `${a.error.name}: ${a.error.message}` : "", a.reason ?? "", a.signal ? `signal ${a.signal}` : a.exitCode !== undefined && a.exitCode !== null ? `exit ${a.exitCode}` : ""]
        .filter((p) => p !== "")
        .join("  "),
    ]),
    color,
    5,
  );
}
