import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/** A call of `this.audit` with bad arguments: a count that is not a whole number, a date that is no date, an empty name. */
export class AuditUsageError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** A task raised a run error with `failRun: true` (ProcessTracker's `fail_run`): the task and its run fail. */
export class AuditRunError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** No extract with this location and filename is registered. */
export class ExtractNotFoundError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** An extract cannot move to the status asked for from the one it has (`loaded` → `loading`). */
export class ExtractStatusError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}

/** The audit's store cannot be read or written. */
export class AuditStoreError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "external";
}

/** The workflow is on hold: its last runs failed in a row (`maxConsecutiveFailures`); `wf audit release` lets it run again. */
export class WorkflowOnHoldError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";
}
