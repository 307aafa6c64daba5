import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/** A catalog name that cannot be used (a separator, `..`, a control character, too long). */
export class CatalogNameError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** What was given to `put` cannot be stored: a path that is neither file nor folder, a value that is not JSON. */
export class CatalogSourceError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** A task that declares its catalog inputs (or outputs) got (or put) a name it did not declare. */
export class CatalogUndeclaredError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** `get` of a name that no task of the run has put. */
export class CatalogEntryNotFoundError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The catalog's storage cannot be read or written (a full disk, storage not mounted on this worker). */
export class CatalogStoreError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "external";
}
