import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** A workflow that cannot become a notebook: the engine cannot render it, and the fix is in the workflow. */
export class NotebookExportError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** Options of the notebook export that do not fit their schema. */
export class NotebookExportOptionsError extends NotebookExportError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/**
 * A notebook cannot do what a cell asked. Base of the specific errors below, so that one
 * `instanceof NotebookRunError` catches them all.
 */
export class NotebookRunError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}

/** The set-up cell passed `openNotebookRun` arguments that do not fit its schema. */
export class NotebookRunOptionsError extends NotebookRunError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/**
 * The workflow's package version is neither next to the notebook nor installed under
 * WF_INSTALL_ROOT (a missing version install).
 */
export class NotebookPackageMissingError extends NotebookRunError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}

/**
 * The code the notebook found is not the code it was exported from: the module, the export, the
 * dag id or the task graph differ.
 */
export class NotebookCodeMismatchError extends NotebookRunError {
  static override readonly resolvableBy: ResolvableBy = "platform";
}

/** The workflow's module threw while it was imported: its own error is the `cause`. */
export class NotebookModuleLoadError extends NotebookRunError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** A cell asked for a task the workflow does not have. */
export class NotebookUnknownTaskError extends NotebookRunError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** A task's cell ran before its upstream tasks succeeded in this run. */
export class NotebookUpstreamNotSucceededError extends NotebookRunError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
