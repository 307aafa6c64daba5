import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";

/** Progress options are not valid; the message lists every problem. */
export class ProgressOptionsError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";

  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid progress options (fix each one):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.problems = problems;
  }
}
