import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** A workflow file that cannot be found, loaded, or holds no workflow; or a selector that matches none. */
export class WorkflowLoadError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** A module that loads but exports no Workflow. */
export class NoWorkflowExportError extends WorkflowLoadError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** `npm pack --dry-run` could not say which files a package ships (npm missing or failing); npm's output is in the message. */
export class PackedFilesError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "external";
}
