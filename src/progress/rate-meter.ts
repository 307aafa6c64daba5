import type { ProgressTracker } from "./progress-tracker.js";

// Weight of the newest sample in the moving average: tqdm's `smoothing` default.
const SMOOTHING = 0.3;

interface Sample {
  time: number;
  completed: number;
  rate: number | undefined;
  moves: number;
}

// Until a tracker has moved this often, its rate is its average since it started: a moving
// average over one or two big steps (the run's tasks) says little.
const MIN_MOVES = 5;

/**
 * Units per second of each tracker, as an exponential moving average of the rate between the
 * presenter's samples, as tqdm does: a sample is taken only when the count moved, so a tracker
 * that moves in rare big steps keeps a sensible rate between them; over its first few moves,
 * the rate is the average since the tracker started. Nothing is done on `advance()`. A closed
 * tracker's rate is its average over its whole life.
 */
export class RateMeter {
  private readonly samples = new WeakMap<ProgressTracker, Sample>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The tracker's current rate in units per second; undefined until it has moved. */
  rate(tracker: ProgressTracker): number | undefined {
    const completed = tracker.completed;
    const time = this.now();
    if (tracker.status !== "running") {
      const seconds = ((tracker.endedAt ?? time) - tracker.startedAt) / 1000;
      return seconds > 0 && completed > 0 ? completed / seconds : undefined;
    }
    let last = this.samples.get(tracker);
    if (last === undefined) {
      last = { time: tracker.startedAt, completed: 0, rate: undefined, moves: 0 };
      this.samples.set(tracker, last);
    }
    const seconds = (time - last.time) / 1000;
    if (last.moves < MIN_MOVES && completed > 0) {
      const sinceStart = (time - tracker.startedAt) / 1000;
      if (completed !== last.completed) last.moves++;
      last.rate = sinceStart > 0 ? completed / sinceStart : undefined;
      last.time = time;
      last.completed = completed;
      return last.rate;
    }
    if (completed === last.completed || seconds < 0.05) return last.rate;
    const instant = (completed - last.completed) / seconds;
    last.rate = last.rate === undefined ? instant : SMOOTHING * instant + (1 - SMOOTHING) * last.rate;
    last.time = time;
    last.completed = completed;
    return last.rate;
  }
}

/** Seconds left at `rate`, when both the total and a positive rate are known. */
export function etaSeconds(completed: number, total: number | undefined, rate: number | undefined): number | undefined {
  if (total === undefined || rate === undefined || rate <= 0) return undefined;
  return Math.max(0, (total - completed) / rate);
}
