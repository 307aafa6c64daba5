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
 */
export function startProgressEvents(run: RunContext<unknown>, tracker: ProgressTracker, task: EventTask): () => void {
  if (run.progressEventIntervalMs <= 0) return () => {};
  let last = "";
  const timer = setInterval(() => {
    const snapshot = tracker.snapshot();
    const progress = eventProgressOf(snapshot);
    const seen = JSON.stringify([progress, snapshot.metrics]);
    if (seen === last || !tracker.used) return;
    last = seen;
    run.bus.publish(createEvent(run, "task.progress", { progress, metrics: snapshot.metrics }, task));
  }, run.progressEventIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
