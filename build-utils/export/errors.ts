import { WfkitError } from "../../src/index.js";

/** Base of the errors of writing exported files. */
export class OutputError extends WfkitError {}
/** An output path the writer refuses (absolute, escaping the output directory, duplicated, …); nothing was written. */
export class OutputPathError extends OutputError {}
/** Writing the output failed; the output directory was left as it was. */
export class OutputWriteError extends OutputError {}
