import { describe, expect, it } from "vitest";
import { Workflow } from "wfkit";
import { loadWorkflowFile, selectWorkflow, WorkflowLoadError } from "../../../build-utils/discover/index.js";
import { validateFiles } from "../../../build-utils/validate/index.js";

const fixtures = "test/fixtures/workflows";

describe("loadWorkflowFile", () => {
  it("collects default and named workflow exports, each once, default first", async () => {
    const loaded = await loadWorkflowFile(`${fixtures}/two-workflows.ts`);
    expect(loaded.workflows.map((w) => [w.exportName, w.workflow.dagId])).toEqual([
      ["default", "greet_morning_1.0.0"],
      ["evening", "greet_evening_1.0.0"],
    ]);
    expect(loaded.workflows.every((w) => Workflow.isWorkflow(w.workflow))).toBe(true);
  });

  it("says which file is missing, broken or holds no workflow", async () => {
    await expect(loadWorkflowFile(`${fixtures}/nope.ts`)).rejects.toThrow(/workflow file not found: .*nope\.ts \(looked for \/.*\/nope\.ts\); check the path$/);
    await expect(loadWorkflowFile(fixtures)).rejects.toThrow(WorkflowLoadError);
    await expect(loadWorkflowFile(fixtures)).rejects.toThrow(`${fixtures} is not a file; give the workflow's module, e.g. src/etl.ts`);
    const broken = loadWorkflowFile(`${fixtures}/throws-on-import.ts`);
    await expect(broken).rejects.toThrow(
      /could not load .*throws-on-import\.ts: missing credentials for the warehouse \(thrown at test\/fixtures\/workflows\/throws-on-import\.ts:2\); importing the module threw: fix the module or what it imports \(--debug shows the stack\)$/,
    );
    // Thrown in a helper the module calls while it is imported: the helper's line, in TypeScript.
    await expect(loadWorkflowFile(`${fixtures}/throws-in-helper.ts`)).rejects.toThrow(
      /could not load .*throws-in-helper\.ts: config missing DB_URL \(thrown at test\/fixtures\/workflows\/helpers\/read-settings\.ts:4 in readSettings\);/,
    );
    await expect(broken).rejects.toSatisfy((e: WorkflowLoadError) => String(e.cause).includes("missing credentials"));
    await expect(loadWorkflowFile(`${fixtures}/no-workflow.ts`)).rejects.toThrow(/exports no Workflow/);
  });
});

describe("selectWorkflow", () => {
  it("picks by dag id, name or export name, and explains ambiguity and typos", async () => {
    const loaded = await loadWorkflowFile(`${fixtures}/two-workflows.ts`);
    expect(selectWorkflow(loaded, "greet_evening_1.0.0").exportName).toBe("evening");
    expect(selectWorkflow(loaded, "greet_evening").exportName).toBe("evening");
    expect(selectWorkflow(loaded, "evening").workflow.dagId).toBe("greet_evening_1.0.0");
    expect(() => selectWorkflow(loaded)).toThrow(/exports 2 workflows; pick one with --workflow/);
    expect(() => selectWorkflow(loaded, "greet_evning")).toThrow(/did you mean "greet_evening"\?/);
    const single = await loadWorkflowFile("examples/etl.ts");
    expect(selectWorkflow(single).workflow.dagId).toBe("csv_to_report_etl_orders_1.0.0");
  });
});

describe("validateFiles", () => {
  it("reports each workflow's issues and each file that failed to load, without stopping", async () => {
    const reports = await validateFiles([`${fixtures}/cyclic.ts`, `${fixtures}/no-workflow.ts`, "examples/diamond.ts"]);
    expect(reports.map((r) => [r.file, r.loadError === undefined, r.workflows.map((w) => w.issues.map((i) => i.code))])).toEqual([
      [`${fixtures}/cyclic.ts`, true, [["cycle"]]],
      [`${fixtures}/no-workflow.ts`, false, []],
      ["examples/diamond.ts", true, [[]]],
    ]);
  });
});
