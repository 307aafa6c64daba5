import { WfkitError } from "../../src/index.js";

/** Options of `runLocal` that do not fit their schema. */
export class LocalRunOptionsError extends WfkitError {
  constructor(problems: readonly string[]) {
    super(`invalid runLocal options:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}
