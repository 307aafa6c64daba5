import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/** Event options are not valid; the message lists every problem. */
export class EventsOptionsError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";

  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid event options (fix each one):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/** The message bus could not be used (with WF_BUS_STRICT=1 this fails the run). */
export class BusUnavailableError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "external";
}

/** The broker refused wfkit's credentials or permissions: WF_BUS_URL needs fixing. */
export class BusAccessRefusedError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/** The broker refused to set up what wfkit needs (an exchange of another type or durability). */
export class BusSetupError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}

/** An event cannot be written to the run's events file or the spool. */
export class EventStoreError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}
