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
 * nothing here). Returns the function that stops it; the final counts go with the task's last
 * event.
 *
 * The timer starts only once the tracker counts something (most tasks' trackers never do, and
 * a timer per task showed in runs of many short tasks), on the beat it would have had from the
 * task's start: the first look is the first one after the tracker was first used, as before.
 */
export function startProgressEvents(run: RunContext<unknown>, tracker: ProgressTracker, task: EventTask): () => void {
  const interval = run.progressEventIntervalMs;
  if (interval <= 0) return () => {};
  const startedAt = Date.now();
  let last = "";
  let timer: NodeJS.Timeout | undefined;
  const look = () => {
    const snapshot = tracker.snapshot();
    const progress = eventProgressOf(snapshot);
    const seen = JSON.stringify([progress, snapshot.metrics]);
    if (seen === last || !tracker.used) return;
    last = seen;
    run.bus.publish(createEvent(run, "task.progress", { progress, metrics: snapshot.metrics }, task));
  };
  const cancel = tracker.whenUsed(() => {
    const delay = interval - ((Date.now() - startedAt) % interval);
    timer = setTimeout(() => {
      timer = setInterval(look, interval);
      timer.unref();
      look();
    }, delay);
    timer.unref();
  });
  return () => {
    cancel();
    // clearTimeout stops an interval as well.
    clearTimeout(timer);
  };
}
