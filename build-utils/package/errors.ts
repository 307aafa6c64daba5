import { WfkitError } from "../../src/index.js";

/** A workflow package artifact that cannot be built as asked (bad manifest input, reserved path, …); nothing was written. */
export class PackageError extends WfkitError {}
/** Writing the artifact failed; no file was left at its path. */
export class PackageWriteError extends WfkitError {}
