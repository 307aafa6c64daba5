import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions } from "./progress-options.js";
import type { ProgressPresenter } from "./progress-presenter.js";
import { LogPresenter } from "./log-presenter.js";
import { NotebookPresenter } from "./notebook-presenter.js";
import { BarsPresenter } from "./bars-presenter.js";

const OFF: ProgressPresenter = { stop() {} };

/**
 * Start showing `root`'s tree the way `options.mode` says; stop the returned presenter when
 * the run (or, on Airflow and in a notebook, the task) ends.
 */
export function startProgress(root: ProgressTracker, options: CompiledProgressOptions): ProgressPresenter {
  switch (options.mode) {
    case "off":
      return OFF;
    case "log": {
      const presenter = new LogPresenter(root, options);
      presenter.start();
      return presenter;
    }
    case "notebook": {
      const presenter = new NotebookPresenter(root, options);
      presenter.start();
      return presenter;
    }
    case "bars": {
      const presenter = new BarsPresenter(root, options);
      presenter.start();
      return presenter;
    }
  }
}
