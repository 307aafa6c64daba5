import type { ProgressTracker } from "./progress-tracker.js";
import type { CompiledProgressOptions } from "./progress-options.js";
import type { ProgressPresenter } from "./progress-presenter.js";
import { LogPresenter } from "./log-presenter.js";
import { NotebookPresenter } from "./notebook-presenter.js";

const OFF: ProgressPresenter = { stop() {} };

/**
 * Start showing `root`'s tree the way `options.mode` says; stop the returned presenter when
 * the run (or, on Airflow and in a notebook, the task) ends. The bars' terminal library is
 * loaded only when bars are shown.
 */
export async function startProgress(root: ProgressTracker, options: CompiledProgressOptions): Promise<ProgressPresenter> {
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
      const [{ default: cliProgress }, { BarsPresenter, barsTerminal }] = await Promise.all([import("cli-progress"), import("./bars-presenter.js")]);
      const terminal = barsTerminal(options.stream);
      const multibar = new cliProgress.MultiBar({
        stream: terminal as unknown as NodeJS.WritableStream,
        format: (_options, _params, payload: { line: string }) => payload.line,
        fps: 1000 / options.refreshMs,
        forceRedraw: true,
        linewrap: true,
        gracefulExit: false,
        hideCursor: false,
        clearOnComplete: false,
      });
      const presenter = new BarsPresenter(root, options, multibar, terminal);
      presenter.start();
      return presenter;
    }
  }
}
