import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions } from "./progress-options.js";
import type { ProgressPresenter } from "./progress-presenter.js";
import { levelOf } from "./progress-rows.js";
import { RateMeter } from "./rate-meter.js";

/**
 * A presenter that reads the tree every `intervalMs` (`tick`) and hears about each shown
 * tracker that closes having counted something (`closed`). Its timer never keeps the process
 * alive.
 */
export abstract class PollingPresenter implements ProgressPresenter {
  protected readonly meter = new RateMeter();
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    protected readonly root: ProgressTracker,
    protected readonly options: CompiledProgressOptions,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.unwatch = this.root.watch((change) => {
      const tracker = change.tracker;
      if (change.kind === "closed" && this.options.levels.has(levelOf(tracker)) && tracker.used) this.closed(tracker);
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.unwatch?.();
    this.unwatch = undefined;
  }

  /** Show the running trackers. */
  abstract tick(): void;

  /** A shown tracker that counted something has closed. */
  protected abstract closed(tracker: ProgressTracker): void;
}
