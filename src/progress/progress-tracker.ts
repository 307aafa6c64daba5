/** Where a tracker is in its life. */
export type TrackerState = "running" | "done" | "failed";

/** A point-in-time view of a tracker and its children. */
export interface ProgressSnapshot {
  title: string;
  state: TrackerState;
  /** Units done: the tracker's own if it was advanced directly, else the sum of its children's. */
  completed: number;
  /** Units expected, by the same rule; undefined while unknown. */
  total: number | undefined;
  children: ProgressSnapshot[];
}

/**
 * A node in the run's progress tree: the run has one, each task a child, and task code adds its
 * own children with `child()`.
 *
 * Rule: a tracker that was advanced (or given a total) directly reports its own counts; one that
 * never was reports the sums of its children. That lets a task either count rows itself or
 * delegate to sub-steps without double counting.
 */
export class ProgressTracker {
  readonly title: string;
  private ownCompleted = 0;
  private ownTotal: number | undefined;
  private direct = false;
  private state: TrackerState = "running";
  private readonly kids: ProgressTracker[] = [];

  constructor(title: string, total?: number) {
    this.title = title;
    if (total !== undefined) {
      this.ownTotal = checkCount(total, "total");
      this.direct = true;
    }
  }

  /** A sub-tracker, e.g. one per file or batch. */
  child(title: string, total?: number): ProgressTracker {
    const kid = new ProgressTracker(title, total);
    this.kids.push(kid);
    return kid;
  }

  /** Grow the total by `n` (work discovered while running). */
  add(n: number): this {
    this.ownTotal = (this.ownTotal ?? 0) + checkCount(n, "n");
    this.direct = true;
    return this;
  }

  /** Record `n` more units done. */
  advance(n = 1): this {
    this.ownCompleted += checkCount(n, "n");
    this.direct = true;
    return this;
  }

  /** Close the tracker as finished; a known total counts as fully done. */
  done(): this {
    if (this.state === "running") this.state = "done";
    return this;
  }

  /** Close the tracker as failed. */
  fail(): this {
    if (this.state === "running") this.state = "failed";
    return this;
  }

  get completed(): number {
    if (this.direct) return this.ownCompleted;
    let sum = 0;
    for (const kid of this.kids) sum += kid.completed;
    return sum;
  }

  get total(): number | undefined {
    if (this.direct) return this.ownTotal;
    let sum: number | undefined;
    for (const kid of this.kids) {
      const t = kid.total;
      if (t !== undefined) sum = (sum ?? 0) + t;
    }
    return sum;
  }

  get status(): TrackerState {
    return this.state;
  }

  get children(): readonly ProgressTracker[] {
    return this.kids;
  }

  snapshot(): ProgressSnapshot {
    return {
      title: this.title,
      state: this.state,
      completed: this.completed,
      total: this.total,
      children: this.kids.map((k) => k.snapshot()),
    };
  }
}

function checkCount(n: number, what: string): number {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`progress ${what} must be a finite number >= 0, got ${n}`);
  return n;
}
