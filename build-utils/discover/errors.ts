import { WfkitError } from "../../src/index.js";

/** A workflow file that cannot be found, loaded, or holds no workflow; or a selector that matches none. */
export class WorkflowLoadError extends WfkitError {}

/** A module that loads but exports no Workflow. */
export class NoWorkflowExportError extends WorkflowLoadError {}
