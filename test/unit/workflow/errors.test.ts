import { describe, expect, it } from "vitest";
import { ParamsValidationError, WfkitError, WorkflowValidationError, type ValidationIssue } from "wfkit";

const issues: ValidationIssue[] = [
  { code: "empty-workflow", path: ["nodes"], tasks: [], message: "workflow etl has no tasks" },
  { code: "invalid-version", path: ["version"], tasks: [], message: 'version "1.0" is not semver' },
];

describe("WorkflowValidationError", () => {
  it("keeps the workflow and every issue, and lists each in its message", () => {
    const error = new WorkflowValidationError("etl_1.0", issues);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect(error).toBeInstanceOf(WfkitError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("WorkflowValidationError");
    expect(error.workflow).toBe("etl_1.0");
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe(
      "workflow etl_1.0 is invalid (2 problems); fix them in the workflow's definition:\n  [empty-workflow] workflow etl has no tasks\n  [invalid-version] version \"1.0\" is not semver",
    );
  });

  it("says problem in the singular for one", () => {
    expect(new WorkflowValidationError("w", issues.slice(0, 1)).message).toMatch(/^workflow w is invalid \(1 problem\); fix it in the workflow's definition:\n/);
  });

  it("is not a ParamsValidationError", () => {
    expect(new WorkflowValidationError("w", issues) instanceof ParamsValidationError).toBe(false);
  });
});

describe("ParamsValidationError", () => {
  it("keeps every problem and lists each in its message", () => {
    const problems = [
      { param: "date", message: "expected string" },
      { param: "count", message: "too small" },
    ];
    const error = new ParamsValidationError("etl_1.0", problems);
    expect(error).toBeInstanceOf(ParamsValidationError);
    expect(error).toBeInstanceOf(WfkitError);
    expect(error.name).toBe("ParamsValidationError");
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe("invalid run parameters for etl_1.0; fix them and start the run again:\n  date: expected string\n  count: too small");
    expect(error instanceof WorkflowValidationError).toBe(false);
  });
});
