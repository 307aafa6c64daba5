import type { WfLogger } from "../logging/logger.js";

/** Where a tracker is in its life. */
export type TrackerState = "running" | "done" | "failed";

/** Cumulative metrics by name: records processed, bytes, failed requests… */
export type ProgressMetrics = Record<string, number>;

/** A point-in-time view of a tracker and its children. */
export interface ProgressSnapshot {
  title: string;
  /** What one unit is ("rows", "files", "tasks"); undefined when not given. */
  unit: string | undefined;
  state: TrackerState;
  /** Units done: the tracker's own if it counts itself, else the sum of its children's. */
  completed: number;
  /** Units expected, by the same rule; undefined while unknown. */
  total: number | undefined;
  /** This tracker's metrics plus all its descendants', keys sorted. */
  metrics: ProgressMetrics;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endedAt: number | undefined;
  children: ProgressSnapshot[];
}

/** Options of a tracker beyond its title and total. */
export interface TrackerOptions {
  /** What one unit is, shown after the counts: `"rows"`, `"files"`. */
  unit?: string | undefined;
  /** The logger the `log` presenter reports this tracker with; default: its parent's. */
  logger?: WfLogger | undefined;
}

/** A change to the shape of a tree: a tracker was added, or closed. Counts are read by polling. */
export interface TrackerChange {
  kind: "added" | "closed";
  tracker: ProgressTracker;
}

/** Told about every tracker added to or closed in a tree. */
export type TrackerWatcher = (change: TrackerChange) => void;

// One per tree: watchers of the whole tree, so a child created deep inside a task is seen by
// the presenter watching the run's root without walking anything.
interface TreeHub {
  watchers: Set<TrackerWatcher>;
}

/**
 * A node in the run's progress tree: the run has one, each task attempt a child, and task code
 * adds its own with `child()`.
 *
 * **The counting rule.** A tracker counts its own units as soon as it is given a total, or
 * `add()` or `advance()` is called on it; until then its `completed` and `total` are the sums
 * of its children's. So a task can count rows itself, or hand the counting to sub-steps, and
 * nothing is counted twice. Metrics always add up: a tracker's `metrics()` are its own plus
 * every descendant's.
 *
 * Updates are plain field writes, cheap enough to call per row: nothing is rendered or sent
 * from `advance()`. Presenters read the tree on their own schedule.
 */
export class ProgressTracker {
  readonly title: string;
  readonly unit: string | undefined;
  readonly parent: ProgressTracker | undefined;
  /** 0 for a root (the run), 1 for its children (the tasks), 2 and more for sub-steps. */
  readonly depth: number;
  /** Milliseconds since the epoch. */
  readonly startedAt: number = Date.now();
  private endTime: number | undefined;
  private readonly ownLogger: WfLogger | undefined;
  private ownCompleted = 0;
  private ownTotal: number | undefined;
  private direct = false;
  private state: TrackerState = "running";
  private readonly kids: ProgressTracker[] = [];
  private ownMetrics: Map<string, number> | undefined;
  private readonly hub: TreeHub;
  private closeWaiters: ((state: TrackerState) => void)[] | undefined;
  private usedWaiters: (() => void)[] | undefined;

  constructor(title: string, total?: number, options: TrackerOptions = {}, parent?: ProgressTracker) {
    if (typeof title !== "string" || title === "") throw new TypeError(`a progress tracker needs a title (a non-empty string), got ${JSON.stringify(title)}`);
    this.title = title;
    this.unit = options.unit;
    this.ownLogger = options.logger;
    this.parent = parent;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
    this.hub = parent === undefined ? { watchers: new Set() } : parent.hub;
    if (total !== undefined) {
      this.ownTotal = checkCount(total, "total", title);
      this.direct = true;
    }
  }

  /** A sub-tracker, e.g. one per file or batch. A closed tracker's children start closed. */
  child(title: string, total?: number, options: TrackerOptions = {}): ProgressTracker {
    const kid = new ProgressTracker(title, total, options, this);
    this.kids.push(kid);
    if (this.usedWaiters !== undefined) this.becameUsed();
    if (this.state !== "running") kid.close(this.state);
    else this.notify("added", kid);
    return kid;
  }

  /** Grow the total by `n`: work discovered or queued while running. */
  add(n: number): this {
    this.ownTotal = (this.ownTotal ?? 0) + checkCount(n, "n", this.title);
    this.direct = true;
    if (this.usedWaiters !== undefined) this.becameUsed();
    return this;
  }

  /** Record `n` more units done (default 1). */
  advance(n = 1): this {
    // `n >= 0` is false for NaN; the upper bound rejects Infinity.
    if (!(n >= 0 && n <= Number.MAX_VALUE)) checkCount(n, "n", this.title);
    this.ownCompleted += n;
    this.direct = true;
    if (this.usedWaiters !== undefined) this.becameUsed();
    return this;
  }

  /** Add `value` to the cumulative metric `key` (records processed, bytes, failed requests…). */
  metric(key: string, value: number): this {
    if (typeof key !== "string" || key === "") throw new TypeError(`progress metric names are non-empty strings, got ${JSON.stringify(key)} on "${this.title}"`);
    if (!Number.isFinite(value)) throw new RangeError(`progress metric "${key}" on "${this.title}" must be a finite number, got ${value}`);
    const metrics = (this.ownMetrics ??= new Map());
    metrics.set(key, (metrics.get(key) ?? 0) + value);
    if (this.usedWaiters !== undefined) this.becameUsed();
    return this;
  }

  /** This tracker's metrics plus every descendant's, keys sorted. */
  metrics(): ProgressMetrics {
    // Most trackers (a task's that counts nothing) have none: no map, no sort.
    if (this.ownMetrics === undefined && this.kids.length === 0) return {};
    const sums = new Map<string, number>();
    this.collectMetrics(sums);
    const out: ProgressMetrics = {};
    for (const key of [...sums.keys()].sort()) out[key] = sums.get(key)!;
    return out;
  }

  /** Close the tracker as finished. Children still running close with it. */
  done(): this {
    this.close("done");
    return this;
  }

  /** Close the tracker as failed. Children still running close with it, as failed. */
  fail(): this {
    this.close("failed");
    return this;
  }

  /** Resolves with the final state once the tracker is closed (at once if it is). */
  whenClosed(): Promise<TrackerState> {
    if (this.state !== "running") return Promise.resolve(this.state);
    return new Promise((resolve) => (this.closeWaiters ??= []).push(resolve));
  }

  /**
   * @internal Call `listener` once, when the tracker becomes {@link used} (at once if it is):
   * for work that only a tracker that counts something needs (progress events).
   * {@link offUsed} cancels it.
   */
  whenUsed(listener: () => void): void {
    if (this.used) listener();
    else (this.usedWaiters ??= []).push(listener);
  }

  /** @internal Forget a {@link whenUsed} listener that has not been called. */
  offUsed(listener: () => void): void {
    const waiters = this.usedWaiters;
    const at = waiters === undefined ? -1 : waiters.indexOf(listener);
    if (at >= 0) waiters!.splice(at, 1);
  }

  /**
   * Be told when a tracker anywhere in this tree is added or closed. Returns the function that
   * stops it. For presenters; counts are read by polling, never pushed.
   */
  watch(watcher: TrackerWatcher): () => void {
    this.hub.watchers.add(watcher);
    return () => this.hub.watchers.delete(watcher);
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

  /** Milliseconds since the epoch when it closed; undefined while running. */
  get endedAt(): number | undefined {
    return this.endTime;
  }

  get children(): readonly ProgressTracker[] {
    return this.kids;
  }

  /** The logger given to this tracker or the nearest ancestor. */
  get logger(): WfLogger | undefined {
    return this.ownLogger ?? this.parent?.logger;
  }

  /** Whether there is anything to show: counts of its own, children, or metrics. */
  get used(): boolean {
    return this.direct || this.kids.length > 0 || this.ownMetrics !== undefined;
  }

  snapshot(): ProgressSnapshot {
    return {
      title: this.title,
      unit: this.unit,
      state: this.state,
      completed: this.completed,
      total: this.total,
      metrics: this.metrics(),
      startedAt: this.startedAt,
      endedAt: this.endTime,
      children: this.kids.map((k) => k.snapshot()),
    };
  }

  /** @internal Take over counts and children from a snapshot (a tracker shared with a worker thread). */
  mirror(snapshot: WireSnapshot): void {
    if (snapshot.direct) {
      this.direct = true;
      this.ownCompleted = snapshot.completed;
      this.ownTotal = snapshot.total ?? undefined;
    }
    this.ownMetrics = snapshot.metrics.length > 0 ? new Map(snapshot.metrics) : undefined;
    snapshot.children.forEach((wire, i) => {
      const kid = this.kids[i] ?? this.child(wire.title, undefined, { unit: wire.unit ?? undefined });
      kid.mirror(wire);
    });
    if (this.usedWaiters !== undefined && this.used) this.becameUsed();
    if (snapshot.state !== "running") this.close(snapshot.state);
  }

  /** @internal The tree in the form sent between threads: own counts only, no sums. */
  wire(): WireSnapshot {
    return {
      title: this.title,
      unit: this.unit ?? null,
      state: this.state,
      direct: this.direct,
      completed: this.ownCompleted,
      total: this.ownTotal ?? null,
      metrics: this.ownMetrics ? [...this.ownMetrics] : [],
      children: this.kids.map((k) => k.wire()),
    };
  }

  private collectMetrics(into: Map<string, number>): void {
    if (this.ownMetrics) for (const [key, value] of this.ownMetrics) into.set(key, (into.get(key) ?? 0) + value);
    for (const kid of this.kids) kid.collectMetrics(into);
  }

  private becameUsed(): void {
    const waiters = this.usedWaiters!;
    this.usedWaiters = undefined;
    for (const listener of waiters) listener();
  }

  private close(state: "done" | "failed"): void {
    if (this.state !== "running") return;
    this.state = state;
    this.endTime = Date.now();
    for (const kid of this.kids) kid.close(state);
    this.notify("closed", this);
    const waiters = this.closeWaiters;
    this.closeWaiters = undefined;
    if (waiters) for (const resolve of waiters) resolve(state);
  }

  private notify(kind: TrackerChange["kind"], tracker: ProgressTracker): void {
    for (const watcher of this.hub.watchers) watcher({ kind, tracker });
  }
}

/** @internal A tracker's own state as posted between threads (structured-clone friendly). */
export interface WireSnapshot {
  title: string;
  unit: string | null;
  state: TrackerState;
  direct: boolean;
  completed: number;
  total: number | null;
  metrics: [string, number][];
  children: WireSnapshot[];
}

function checkCount(n: number, what: string, title: string): number {
  if (typeof n !== "number" || !(n >= 0 && n <= Number.MAX_VALUE)) {
    throw new RangeError(`progress ${what} of "${title}" must be a finite number >= 0, got ${String(n)}`);
  }
  return n;
}
