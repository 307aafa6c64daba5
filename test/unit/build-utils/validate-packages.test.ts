import { describe, expect, it } from "vitest";
import { validateFiles } from "../../../build-utils/validate/index.js";
import { lineOf } from "./source-lines.js";

const orders = "test/fixtures/packages/orders";

describe("validateFiles with package directories", () => {
  it("reports each module of the package in the input's place, with its warnings", async () => {
    const reports = await validateFiles(["test/fixtures/workflows/cyclic.ts", orders, "test/fixtures/workflows/no-workflow.ts"]);
    expect(reports.map((r) => [r.file, r.loadError === undefined, r.workflows.map((w) => w.dagId), r.warnings.map((w) => `${w.code}:${w.line}`)])).toEqual([
      ["test/fixtures/workflows/cyclic.ts", true, ["cyclic_dev"], []],
      [`${orders}/src/cleanup.mjs`, true, ["orders_cleanup_2.1.0"], []],
      [
        `${orders}/src/etl.ts`,
        true,
        ["orders_audit_2.1.0", "shop_to_warehouse_orders_2.1.0", "orders_weekly_2.1.0"],
        [`unreachable-workflow:${lineOf(`${orders}/src/etl.ts`, "const draft")}`, `unreachable-workflow:${lineOf(`${orders}/src/etl.ts`, '"scratch"')}`],
      ],
      [`${orders}/src/hidden-workflow.ts`, true, [], [`unreachable-workflow:${lineOf(`${orders}/src/hidden-workflow.ts`, "new Workflow")}`]],
      [`${orders}/src/legacy.ts`, true, [], [`unused-task:${lineOf(`${orders}/src/legacy.ts`, "class Summarize")}`]],
      [`${orders}/src/regional.ts`, true, ["orders_regional_2.1.0"], []],
      [`${orders}/src/report.ts`, true, ["orders_report_2.1.0"], []],
      [`${orders}/src/tasks.ts`, true, [], [`unused-task:${lineOf(`${orders}/src/tasks.ts`, "class Archive")}`]],
      ["test/fixtures/workflows/no-workflow.ts", false, [], []],
    ]);
    expect(reports.flatMap((r) => r.workflows).map((w) => w.issues.map((i) => i.code))).toEqual([["cycle"], [], [], [], [], [], []]);
  });

  it("warns about the given files' sources too", async () => {
    const [report] = await validateFiles([`${orders}/src/etl.ts`]);
    expect(report!.workflows.map((w) => w.exportName).sort()).toEqual(["audit", "etl", "weekly"]);
    expect(report!.warnings.map((w) => [w.code, w.file])).toEqual([
      ["unreachable-workflow", `${orders}/src/etl.ts`],
      ["unreachable-workflow", `${orders}/src/etl.ts`],
    ]);
  });

  it("reports a directory without package.json as a load error", async () => {
    const reports = await validateFiles(["test/fixtures/workflows"]);
    expect(reports).toEqual([{ file: "test/fixtures/workflows", loadError: expect.stringMatching(/directory without a package\.json/), workflows: [], warnings: [] }]);
  });
});
