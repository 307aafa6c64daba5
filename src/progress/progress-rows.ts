import type { ProgressMetrics, ProgressTracker, TrackerState } from "./progress-tracker.js";
import type { ProgressLevel } from "./progress-options.js";
import { etaSeconds, type RateMeter } from "./rate-meter.js";
import { formatBar, formatCount, formatDuration, formatMetrics, formatPercent, formatRate } from "./progress-format.js";

/** What a presenter shows of one tracker at one moment. */
export interface ProgressRow {
  tracker: ProgressTracker;
  /** How many shown ancestors it has: the indentation level. */
  indent: number;
  title: string;
  unit: string | undefined;
  state: TrackerState;
  completed: number;
  total: number | undefined;
  /** Units per second; undefined until known. */
  rate: number | undefined;
  /** Seconds left; undefined without a total or a rate. */
  eta: number | undefined;
  elapsed: number;
  metrics: ProgressMetrics;
}

/** Which level of the tree a tracker is on. */
export function levelOf(tracker: ProgressTracker): ProgressLevel {
  return tracker.depth === 0 ? "run" : tracker.depth === 1 ? "tasks" : "steps";
}

/** The row of one tracker, read now. */
export function rowOf(tracker: ProgressTracker, meter: RateMeter, indent = 0, now = Date.now()): ProgressRow {
  const completed = tracker.completed;
  const total = tracker.total;
  const rate = meter.rate(tracker);
  return {
    tracker,
    indent,
    title: tracker.title,
    unit: tracker.unit,
    state: tracker.status,
    completed,
    total,
    rate,
    eta: tracker.status === "running" ? etaSeconds(completed, total, rate) : undefined,
    elapsed: ((tracker.endedAt ?? now) - tracker.startedAt) / 1000,
    metrics: tracker.metrics(),
  };
}

/**
 * The rows of a tree's trackers that `include` accepts, parents before children (depth first,
 * in creation order), limited to the shown levels; the walk goes below a tracker only when
 * `descend` says so.
 */
export function treeRows(
  root: ProgressTracker,
  levels: ReadonlySet<ProgressLevel>,
  meter: RateMeter,
  include: (tracker: ProgressTracker) => boolean,
  descend: (tracker: ProgressTracker) => boolean,
  now = Date.now(),
): ProgressRow[] {
  const rows: ProgressRow[] = [];
  const visit = (tracker: ProgressTracker, indent: number) => {
    const shown = levels.has(levelOf(tracker));
    if (shown && include(tracker)) rows.push(rowOf(tracker, meter, indent, now));
    if (!descend(tracker)) return;
    for (const kid of tracker.children) visit(kid, shown ? indent + 1 : indent);
  };
  visit(root, 0);
  dropRepeatedMetrics(rows);
  return rows;
}

// A parent whose metrics all come from the one child shown under it would repeat them line
// for line; the child's row keeps them.
function dropRepeatedMetrics(rows: ProgressRow[]): void {
  for (let i = 0; i + 1 < rows.length; i++) {
    const row = rows[i]!;
    const next = rows[i + 1]!;
    if (next.indent !== row.indent + 1 || next.tracker.parent !== row.tracker) continue;
    if (rows.slice(i + 2).some((r) => r.indent === next.indent && r.tracker.parent === row.tracker)) continue;
    if (sameMetrics(row.metrics, next.metrics)) row.metrics = {};
  }
}

function sameMetrics(a: ProgressMetrics, b: ProgressMetrics): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

const isRunning = (tracker: ProgressTracker) => tracker.status === "running";

/** The running trackers of a tree: closed ones are left out with everything under them. */
export function runningRows(root: ProgressTracker, levels: ReadonlySet<ProgressLevel>, meter: RateMeter, now = Date.now()): ProgressRow[] {
  return treeRows(root, levels, meter, isRunning, isRunning, now);
}

/** How a row is laid out. */
export interface RowLayout {
  /** The line's maximum length in characters. */
  width: number;
  /** Width of the title column (indentation included). */
  titleWidth: number;
  /** `#` and `.` bars and no other non-ASCII characters (notebook output, plain logs). */
  ascii: boolean;
}

/** The title column's width for these rows: the longest, within 12 to 32 characters. */
export function titleWidthOf(rows: readonly ProgressRow[]): number {
  let widest = 12;
  for (const row of rows) widest = Math.max(widest, row.indent * 2 + row.title.length);
  return Math.min(widest, 32);
}

/**
 * One line of text for a row: title, bar, counts, percent, rate, ETA and metrics, e.g.
 * `  Parse   ████████░░░░░░░░  1,200/3,000 rows  40%  612/s  ETA 3s  records=1,200`.
 * Without a total: the count, rate and elapsed time. Cut to `layout.width`.
 */
export function formatRow(row: ProgressRow, layout: RowLayout): string {
  const title = fit(" ".repeat(row.indent * 2) + row.title, layout.titleWidth);
  const unit = row.unit === undefined ? "" : ` ${row.unit}`;
  const parts: string[] = [];
  if (row.total !== undefined) {
    const barWidth = layout.width >= 100 ? 24 : layout.width >= 70 ? 16 : 8;
    parts.push(formatBar(row.completed, row.total, barWidth, layout.ascii));
    parts.push(`${formatCount(row.completed)}/${formatCount(row.total)}${unit}`);
    parts.push(formatPercent(row.completed, row.total));
  } else {
    parts.push(`${formatCount(row.completed)}${unit}`);
  }
  if (row.rate !== undefined && row.completed > 0) parts.push(formatRate(row.rate));
  if (row.state === "running" && row.eta !== undefined) parts.push(`ETA ${formatDuration(row.eta)}`);
  else parts.push(formatDuration(row.elapsed));
  if (row.state !== "running") parts.push(row.state);
  const metrics = formatMetrics(row.metrics);
  if (metrics !== "") parts.push(metrics);
  const line = `${title}  ${parts.join("  ")}`;
  return line.length <= layout.width ? line : `${line.slice(0, Math.max(0, layout.width - 1))}…`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}
