import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Workflow, type WorkflowOptions } from "wfkit";
import { WorkflowOptionsSchema, compileWorkflowOptions } from "../../../src/workflow/workflow-options.js";

describe("compileWorkflowOptions", () => {
  it("applies defaults: no tags, no schedule, no sources, targets or dataset types, never on hold", () => {
    const { options, issues } = compileWorkflowOptions({ category: "etl", version: "1.0.0" });
    expect(issues).toEqual([]);
    expect(options).toEqual({
      category: "etl",
      version: "1.0.0",
      tags: [],
      schedule: null,
      params: undefined,
      sources: [],
      targets: [],
      datasetTypes: [],
      startDate: new Date("2024-01-01T00:00:00Z"),
      catchup: false,
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      owner: "airflow",
      defaultTaskSettings: {},
    });
    expect(options.maxConsecutiveFailures).toBeUndefined();
  });

  it("takes dates as Date, YYYY-MM-DD (midnight UTC) or an ISO date-time with an offset; reports anything else", () => {
    const given = (startDate: unknown) => compileWorkflowOptions({ category: "etl", version: "1.0.0", startDate });
    expect(given("2026-11-01").options.startDate).toEqual(new Date("2026-11-01T00:00:00Z"));
    expect(given("2026-11-01T06:00:00+02:00").options.startDate).toEqual(new Date("2026-11-01T04:00:00Z"));
    expect(given(new Date("2026-11-01T00:00:00Z")).options.startDate).toEqual(new Date("2026-11-01T00:00:00Z"));
    for (const bad of ["2026-11-01T06:00:00", "yesterday", "2026-13-01", new Date(Number.NaN)]) {
      expect(given(bad).issues.map((i) => [i.code, i.path[0]])).toEqual([["invalid-option", "startDate"]]);
    }
  });

  it("keeps the audit options as given, and reports bad ones as invalid-option issues", () => {
    const audit = {
      sources: ["landing", { name: "warehouse", type: "postgres", objects: ["sales.orders"] }],
      targets: [{ name: "mart", datasetTypes: ["finance"] }],
      datasetTypes: ["sales"],
      maxConsecutiveFailures: 3,
    };
    const good = compileWorkflowOptions({ category: "etl", version: "1.0.0", ...audit });
    expect(good.issues).toEqual([]);
    expect(good.options).toMatchObject(audit);
    const bad = compileWorkflowOptions({ category: "etl", version: "1.0.0", sources: [{ name: "" }], targets: "mart", datasetTypes: [""], maxConsecutiveFailures: 0 });
    expect(bad.issues.map((i) => [i.code, i.path[0]])).toEqual([
      ["invalid-option", "sources"],
      ["invalid-option", "targets"],
      ["invalid-option", "datasetTypes"],
      ["invalid-option", "maxConsecutiveFailures"],
    ]);
    expect(compileWorkflowOptions({ category: "etl", version: "1.0.0", maxConsecutiveFailures: 1.5 }).issues.map((i) => i.path)).toEqual([["maxConsecutiveFailures"]]);
  });

  it("keeps every given option", () => {
    const params = z.object({ date: z.string() });
    const given = {
      category: "etl",
      detail: "nightly",
      inputData: "csv",
      outputData: "db",
      version: "2.0.0",
      description: "Moves data",
      tags: ["a", "b"],
      schedule: "@daily",
    };
    const { options, issues } = compileWorkflowOptions({ ...given, params });
    expect(issues).toEqual([]);
    expect(options).toMatchObject(given);
    expect(options.params).toBe(params);
  });

  it("turns bad types into invalid-option issues instead of throwing", () => {
    const { options, issues } = compileWorkflowOptions({ category: "etl", version: 3, tags: "x" });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ["invalid-option", ["version"]],
      ["invalid-option", ["tags"]],
    ]);
    for (const issue of issues) {
      expect(issue.tasks).toEqual([]);
      expect(issue.message).toContain(`workflow option ${issue.path.join(".")}`);
    }
    // what was valid is kept, the rest gets placeholders
    expect(options.category).toBe("etl");
    expect(typeof options.version).toBe("string");
    expect(options.tags).toEqual([]);
    expect(options.schedule).toBeNull();
  });

  it("reports missing and empty required options", () => {
    const missing = compileWorkflowOptions({});
    expect(missing.issues.map((i) => i.path[0]).sort()).toEqual(["category", "version"]);
    const empty = compileWorkflowOptions({ category: "", version: "" });
    expect(empty.issues.map((i) => i.path[0]).sort()).toEqual(["category", "version"]);
  });

  it("reports empty optional name parts and schedule", () => {
    const { issues } = compileWorkflowOptions({
      category: "etl",
      version: "1.0.0",
      detail: "",
      inputData: "",
      outputData: "",
      schedule: "",
    });
    expect(issues.map((i) => i.path[0]).sort()).toEqual(["detail", "inputData", "outputData", "schedule"]);
    expect(issues.every((i) => i.code === "invalid-option")).toBe(true);
  });

  it("reports a tag that is not a string, at its index, and keeps the good tags", () => {
    const { options, issues } = compileWorkflowOptions({ category: "etl", version: "1.0.0", tags: ["a", 1, "b"] });
    expect(issues.map((i) => i.path)).toEqual([["tags", 1]]);
    expect(options.tags).toEqual(["a", "b"]);
  });

  it.each([undefined, null, "etl", 42, []])("never throws, even for %j", (value) => {
    const result = compileWorkflowOptions(value);
    expect(result.issues.length).toBeGreaterThan(0);
    expect(result.issues.every((i) => i.code === "invalid-option")).toBe(true);
    expect(typeof result.options.category).toBe("string");
    expect(typeof result.options.version).toBe("string");
  });
});

describe("WorkflowOptionsSchema", () => {
  it("describes every option", () => {
    for (const [key, field] of Object.entries(WorkflowOptionsSchema.shape)) expect(field.description, key).toBeTruthy();
  });
});

describe("new Workflow with bad options", () => {
  it.each<[string, unknown]>([
    ["a numeric version", { category: "etl", version: 3 }],
    ["string tags", { category: "etl", version: "1.0.0", tags: "x" }],
    ["no category", { version: "1.0.0" }],
    ["undefined", undefined],
    ["null", null],
  ])("never throws, for %s, and reports it on validate()", (_, options) => {
    const wf = new Workflow(options as WorkflowOptions);
    expect(typeof wf.name).toBe("string");
    expect(typeof wf.dagId).toBe("string");
    expect(wf.validate().some((i) => i.code === "invalid-option")).toBe(true);
    expect(() => wf.assertValid()).toThrow(/invalid-option/);
  });

  it("does not also report the placeholder of a bad version as a bad version", () => {
    const wf = new Workflow({ category: "etl", version: 3 } as unknown as WorkflowOptions);
    const codes = wf.validate().map((i) => i.code);
    expect(codes).toContain("invalid-option");
    expect(codes).not.toContain("invalid-version");
  });
});
