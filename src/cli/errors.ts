import { WfkitError } from "../errors/wfkit-error.js";

/** A bad command line (a malformed --param, a bad --concurrency…). Exit code 2. */
export class UsageError extends WfkitError {}
