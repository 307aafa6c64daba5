import { WfkitError } from "../errors/wfkit-error.js";
import type { ResolvableBy } from "../errors/resolvable-by.js";
import type { ValidationIssue } from "./validation-issue.js";

/** A workflow has one or more problems; `issues` lists every one of them. */
export class WorkflowValidationError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";

  readonly workflow: string;
  readonly issues: readonly ValidationIssue[];

  constructor(workflow: string, issues: readonly ValidationIssue[]) {
    const n = issues.length;
    const lines = issues.map((i) => `  [${i.code}] ${i.message}`);
    super(`workflow ${workflow} is invalid (${n} problem${n === 1 ? "" : "s"}); fix ${n === 1 ? "it" : "them"} in the workflow's definition:\n${lines.join("\n")}`);
    this.workflow = workflow;
    this.issues = issues;
  }
}

/** Run parameters that do not fit the workflow's params schema. */
export class ParamsValidationError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "user";

  readonly problems: readonly { param: string; message: string }[];

  constructor(workflow: string, problems: readonly { param: string; message: string }[]) {
    const lines = problems.map((p) => `  ${p.param}: ${p.message}`);
    super(`invalid run parameters for ${workflow}; fix ${problems.length === 1 ? "it" : "them"} and start the run again:\n${lines.join("\n")}`);
    this.problems = problems;
  }
}

/**
 * A command needs one of wfkit's build tools (tsx to load TypeScript, ts-morph to analyse
 * sources, esbuild to compile), which are peer dependencies: an author's project has them
 * (npm installs peers), a worker installed by `wf install` does not, and runs compiled modules.
 */
export class MissingToolError extends WfkitError {
  static override readonly resolvableBy: ResolvableBy = "config";
}
