import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";
import { maskUrlCredentials } from "../logging/mask.js";
import { HIDDEN_TELEMETRY_VARIABLES } from "../telemetry/telemetry-env.js";

/** One bad configuration value. */
export interface ConfigProblem {
  variable: string;
  received: string | undefined;
  message: string;
}

/** One or more `WF_*` variables have bad values. The CLI exits 2. */
export class ConfigError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";

  readonly problems: readonly ConfigProblem[];

  constructor(given: readonly ConfigProblem[]) {
    // Export headers carry tokens: their values are never repeated.
    const problems = given.map((p) => (HIDDEN_TELEMETRY_VARIABLES.has(p.variable) && p.received !== undefined ? { ...p, received: "(hidden)" } : p));
    const n = problems.length;
    const lines = problems.map(
      // A bad WF_BUS_URL must not print its password, wherever the message ends up.
      (p) => `  ${p.variable}=${JSON.stringify(maskUrlCredentials(p.received ?? ""))}: ${p.message}`,
    );
    super(`invalid configuration (${n} problem${n === 1 ? "" : "s"}); fix or unset ${n === 1 ? "this environment variable" : "these environment variables"}:\n${lines.join("\n")}`);
    this.problems = problems;
  }
}
