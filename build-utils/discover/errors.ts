import { WfkitError } from "../../src/index.js";

/** A workflow file that cannot be found, loaded, or holds no workflow; or a selector that matches none. */
export class WorkflowLoadError extends WfkitError {}
