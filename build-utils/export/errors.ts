import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** Base of the errors of writing exported files. */
export class OutputError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** An output path the writer refuses (absolute, escaping the output directory, duplicated, …); nothing was written. */
export class OutputPathError extends OutputError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/**
 * Writing the output failed; the output directory was left as it was. Classified `config`: the
 * paths were fine, but the folder wfkit was told to write to cannot be written (permissions, a
 * full disk, something else changing it meanwhile).
 */
export class OutputWriteError extends OutputError {
  static override readonly resolvableBy: ResolvableBy = "config";
}
