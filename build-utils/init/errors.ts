import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** `wf init` cannot use the folder or its package.json. */
export class InitError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
