import type { LogFields } from "../logging/logger.js";
import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions } from "./progress-options.js";
import { PollingPresenter } from "./polling-presenter.js";
import { rowOf, runningRows, type ProgressRow } from "./progress-rows.js";
import { formatCount, formatDuration, formatPercent, formatRate } from "./progress-format.js";

/**
 * Progress as log lines, for places nobody watches live (an Airflow worker, CI, a file): every
 * `logIntervalMs` one line per running tracker, and one when a tracker closes. Each line goes
 * through the tracker's logger — the task's, for a task and its sub-trackers — so it has the
 * task's fields and the configured format. Trackers that never counted anything stay silent.
 *
 * The closing line is at `info` for a tracker that already had a line of its own, so a long
 * tracker's story ends with its final counts; a tracker that came and went between two
 * intervals closes at `debug`, and so does the run's (the run summary says the same), so a
 * quick run prints no more than the user's own lines.
 */
export class LogPresenter extends PollingPresenter {
  private readonly reported = new WeakSet<ProgressTracker>();

  constructor(root: ProgressTracker, options: CompiledProgressOptions) {
    super(root, options, options.logIntervalMs);
  }

  /** One line for every running tracker that counts something. */
  tick(): void {
    for (const row of runningRows(this.root, this.options.levels, this.meter)) {
      if (!row.tracker.used) continue;
      this.reported.add(row.tracker);
      this.report(row, "info");
    }
  }

  protected closed(tracker: ProgressTracker): void {
    this.report(rowOf(tracker, this.meter), this.reported.has(tracker) && tracker.depth > 0 ? "info" : "debug");
  }

  private report(row: ProgressRow, level: "info" | "debug"): void {
    const logger = row.tracker.logger;
    if (logger === undefined) return;
    logger[level](progressMessage(row), progressFields(row));
  }
}

/** The path of a tracker below the run: `Transform/orders`; the run's own title for the run. */
export function trackerPath(tracker: ProgressTracker): string {
  const names: string[] = [];
  for (let t: ProgressTracker | undefined = tracker; t !== undefined && (t.depth > 0 || t === tracker); t = t.parent) names.push(t.title);
  return names.reverse().join("/");
}

/** `progress Transform/orders: 120/300 rows (40%), 60.0/s, ETA 3s`; when closed, `… done: … in 5s`. */
export function progressMessage(row: ProgressRow): string {
  const unit = row.unit === undefined ? "" : ` ${row.unit}`;
  let counts = `${formatCount(row.completed)}${row.total === undefined ? "" : `/${formatCount(row.total)}`}${unit}`;
  if (row.total !== undefined) counts += ` (${formatPercent(row.completed, row.total)})`;
  const rate = row.rate !== undefined && row.completed > 0 ? `, ${formatRate(row.rate)}` : "";
  const path = trackerPath(row.tracker);
  if (row.state !== "running") return `progress ${path} ${row.state}: ${counts} in ${formatDuration(row.elapsed)}${rate}`;
  const eta = row.eta !== undefined ? `, ETA ${formatDuration(row.eta)}` : "";
  return `progress ${path}: ${counts}${rate}${eta}`;
}

/** The structured fields of a progress line. */
export function progressFields(row: ProgressRow): LogFields {
  const fields: LogFields = {
    progress: trackerPath(row.tracker),
    state: row.state,
    completed: row.completed,
  };
  if (row.total !== undefined) {
    fields["total"] = row.total;
    fields["percent"] = row.total > 0 ? Math.min(100, Math.round((row.completed / row.total) * 1000) / 10) : 100;
  }
  if (row.unit !== undefined) fields["unit"] = row.unit;
  if (row.rate !== undefined) fields["rate_per_s"] = Math.round(row.rate * 100) / 100;
  if (row.eta !== undefined) fields["eta_s"] = Math.round(row.eta);
  fields["elapsed_s"] = Math.round(row.elapsed * 10) / 10;
  if (Object.keys(row.metrics).length > 0) fields["metrics"] = row.metrics;
  return fields;
}
