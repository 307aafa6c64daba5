import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions } from "./progress-options.js";
import { PollingPresenter } from "./polling-presenter.js";
import { formatRow, runningRows, titleWidthOf, treeRows, type ProgressRow } from "./progress-rows.js";

/** Width of notebook progress lines: cell output has no terminal width, and wraps what is longer. */
const NOTEBOOK_WIDTH = 160;
/** The final lines go this deep below the presenter's root: a task and its own sub-trackers. */
const FINAL_DEPTH = 2;

/**
 * Progress as plain text in a notebook cell's output: a block of lines (one per running
 * tracker, `#`/`.` bars, no colour or cursor codes) at most once per `notebookIntervalMs` and
 * only when something changed; on stop, the final lines of the task and its own sub-trackers
 * that counted something and closed since (a thousand files' trackers are summed up by their
 * parent, not listed).
 */
export class NotebookPresenter extends PollingPresenter {
  private closedSince: ProgressTracker[] = [];
  private last = "";

  constructor(root: ProgressTracker, options: CompiledProgressOptions) {
    super(root, options, options.notebookIntervalMs);
  }

  override stop(): void {
    super.stop();
    const closed = new Set(this.closedSince);
    this.closedSince = [];
    if (closed.size === 0) return;
    this.print(treeRows(this.root, this.options.levels, this.meter, (t) => closed.has(t), (t) => t.depth < FINAL_DEPTH));
  }

  protected closed(tracker: ProgressTracker): void {
    this.closedSince.push(tracker);
  }

  /** Print the running trackers, unless nothing changed since the last print. */
  tick(): void {
    this.print(runningRows(this.root, this.options.levels, this.meter).filter((row) => row.tracker.used));
  }

  private print(rows: ProgressRow[]): void {
    if (rows.length === 0) return;
    const layout = { width: NOTEBOOK_WIDTH, titleWidth: titleWidthOf(rows), ascii: true };
    // The rate and ETA change every time; only counts and states decide whether to print again.
    const key = rows.map((r) => `${r.title}:${r.completed}/${r.total}:${r.state}`).join("|");
    if (key === this.last) return;
    this.last = key;
    this.options.write(`${rows.map((row) => formatRow(row, layout)).join("\n")}\n`);
  }
}
