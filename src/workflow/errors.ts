import { WfkitError } from "../errors/wfkit-error.js";
import type { ValidationIssue } from "./validation-issue.js";

/** A workflow has one or more problems; `issues` lists every one of them. */
export class WorkflowValidationError extends WfkitError {
  readonly workflow: string;
  readonly issues: readonly ValidationIssue[];

  constructor(workflow: string, issues: readonly ValidationIssue[]) {
    const n = issues.length;
    const lines = issues.map((i) => `  [${i.code}] ${i.message}`);
    super(`workflow ${workflow} is invalid (${n} problem${n === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    this.workflow = workflow;
    this.issues = issues;
  }
}

/** Run parameters that do not fit the workflow's params schema. */
export class ParamsValidationError extends WfkitError {
  readonly problems: readonly { param: string; message: string }[];

  constructor(workflow: string, problems: readonly { param: string; message: string }[]) {
    const lines = problems.map((p) => `  ${p.param}: ${p.message}`);
    super(`invalid run parameters for ${workflow}:\n${lines.join("\n")}`);
    this.problems = problems;
  }
}
