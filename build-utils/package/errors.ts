import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** A workflow package artifact that cannot be built as asked (bad manifest input, reserved path, …); nothing was written. */
export class PackageError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The environment asks for what the artifact cannot hold (SOURCE_DATE_EPOCH that is not a number); nothing was written. */
export class PackageConfigError extends PackageError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/** Writing the artifact failed; no file was left at its path. Classified like OutputWriteError: the path wfkit was told to write cannot be written. */
export class PackageWriteError extends PackageError {
  static override readonly resolvableBy: ResolvableBy = "config";
}
