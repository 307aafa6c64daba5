import { WfkitError } from "../errors/wfkit-error.js";

/** One bad configuration value. */
export interface ConfigProblem {
  variable: string;
  received: string | undefined;
  message: string;
}

/** One or more `WF_*` variables have bad values. The CLI exits 2. */
export class ConfigError extends WfkitError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  ${p.variable}=${JSON.stringify(p.received ?? "")}: ${p.message}`,
    );
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    this.problems = problems;
  }
}
