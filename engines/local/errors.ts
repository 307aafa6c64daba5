import { WfkitError, type ResolvableBy } from "../../src/index.js";

/** Options of `runLocal` that do not fit their schema. */
export class LocalRunOptionsError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";

  constructor(problems: readonly string[]) {
    super(`invalid runLocal options; fix ${problems.length === 1 ? "it" : "them"}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}
