import { WfkitError } from "../src/errors/wfkit-error.js";
import type { ResolvableBy } from "../src/errors/resolvable-by.js";

/** A bad command line (a malformed --param, a bad --concurrency…). Exit code 2. */
export class UsageError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

// Lives with the other bus errors; re-exported where the `wf events` commands always found it.
export { BusSetupError } from "../src/events/errors.js";
