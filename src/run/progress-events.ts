import type { RunContext } from "./run-context.js";
import type { ProgressSnapshot, ProgressTracker } from "../progress/progress-tracker.js";
import { createEvent, type EventTask } from "../events/create-event.js";
import type { EventProgress } from "../events/wf-event.js";

/** A tracker's snapshot as a `task.progress` event carries it: counts and shape, no times or per-tracker metrics. */
export function eventProgressOf(snapshot: ProgressSnapshot): EventProgress {
  return {
    title: snapshot.title,
    ...(snapshot.unit !== undefined ? { unit: snapshot.unit } : {}),
    state: snapshot.state,
    completed: snapshot.completed,
    ...(snapshot.total !== undefined ? { total: snapshot.total } : {}),
    children: snapshot.children.map(eventProgressOf),
  };
}

/**
 * Publish `task.progress` for a running task every `run.progressEventIntervalMs`, only when its
 * counts or metrics moved since the last one (a throttle: a tight loop of `advance()` costs
 * nothing here). Returns what stops it (`undefined` when progress events are off); the final
 * counts go with the task's last event.
 *
 * The timer starts only once the tracker counts something (most tasks' trackers never do, and
 * a timer per task showed in runs of many short tasks), on the beat it would have had from the
 * task's start: the first look is the first one after the tracker was first used, as before.
 */
export function startProgressEvents(run: RunContext<unknown>, tracker: ProgressTracker, task: EventTask): ProgressEventTimer | undefined {
  const interval = run.progressEventIntervalMs;
  return interval > 0 ? new ProgressEventTimer(run, tracker, task, interval) : undefined;
}

/** The progress events of one task attempt. One object, not a few closures: one is made per attempt. */
export class ProgressEventTimer {
  private readonly startedAt = Date.now();
  private last = "";
  private timer: NodeJS.Timeout | undefined;
  private readonly onUsed = (): void => this.begin();

  constructor(
    private readonly run: RunContext<unknown>,
    private readonly tracker: ProgressTracker,
    private readonly task: EventTask,
    private readonly interval: number,
  ) {
    tracker.whenUsed(this.onUsed);
  }

  /** Stop: no more events from this attempt. */
  stop(): void {
    this.tracker.offUsed(this.onUsed);
    // clearTimeout stops an interval as well.
    clearTimeout(this.timer);
  }

  private begin(): void {
    const delay = this.interval - ((Date.now() - this.startedAt) % this.interval);
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.look(), this.interval);
      this.timer.unref();
      this.look();
    }, delay);
    this.timer.unref();
  }

  private look(): void {
    const snapshot = this.tracker.snapshot();
    const progress = eventProgressOf(snapshot);
    const seen = JSON.stringify([progress, snapshot.metrics]);
    if (seen === this.last || !this.tracker.used) return;
    this.last = seen;
    this.run.bus.publish(createEvent(this.run, "task.progress", { progress, metrics: snapshot.metrics }, this.task));
  }
}
