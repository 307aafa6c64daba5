import { WfkitError } from "../../src/index.js";

/** A workflow that cannot become a notebook, or bad notebook export options. */
export class NotebookExportError extends WfkitError {}

/**
 * A notebook cannot do what a cell asked: the workflow's package or module is not where the
 * notebook looks, the code differs from what was exported, an unknown task, or a task whose
 * upstream tasks have not succeeded yet.
 */
export class NotebookRunError extends WfkitError {}
