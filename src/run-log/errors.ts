import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/** The run-log setting (WF_RUN_LOG, WF_RUN_LOG_STRICT) or a query's options are not valid. */
export class RunLogOptionsError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/** The run-log store cannot be read or written (with WF_RUN_LOG_STRICT=1 a run then fails at start). */
export class RunLogStoreError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "external";
}

/** No run with this id (and dag id) is in the run log. */
export class RunNotFoundError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
