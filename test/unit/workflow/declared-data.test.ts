import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TaskBase, Workflow, type DataDeclaration, type TaskClass } from "wfkit";

/** A task class named `name` declaring `inputs` and `outputs`. */
function task(name: string, inputs?: unknown, outputs?: unknown): TaskClass {
  const cls = {
    [name]: class extends TaskBase {
      run() {}
    },
  }[name]!;
  if (inputs !== undefined) Object.assign(cls, { inputs });
  if (outputs !== undefined) Object.assign(cls, { outputs });
  return cls as unknown as TaskClass;
}
const wf = () => new Workflow({ category: "data", detail: "declared", version: "1.0.0" });

describe("declared catalog inputs and outputs", () => {
  it("accepts inputs that an upstream outputs, directly or through other tasks, as names or with schemas", () => {
    const Extract = task("Extract", undefined, { orders: z.array(z.object({ id: z.string() })) } satisfies DataDeclaration);
    const Clean = task("Clean", ["orders"], ["clean"]);
    const Report = task("Report", ["orders", "clean"], { report: null });
    const w = wf().addNode(Extract).addNode(Clean, { upstreams: Extract }).addNode(Report, { upstreams: Clean });
    expect(w.validate()).toEqual([]);
    expect(w.nodes.find((n) => n.name === "Report")!.inputs!.names).toEqual(["orders", "clean"]);
    expect(w.nodes.find((n) => n.name === "Extract")!.outputs!.schemas.has("orders")).toBe(true);
  });

  it("refuses an input no task outputs, with did-you-mean, naming task, name and path", () => {
    const Extract = task("Extract", undefined, ["orders"]);
    const w2 = wf().addNode(Extract).addNode(task("Report", ["ordres"]), { upstreams: Extract });
    expect(w2.validate()).toEqual([
      {
        code: "unknown-input",
        path: ["nodes", 1, "inputs", 0],
        tasks: ["Report"],
        message: `task Report reads "ordres", which no task outputs (did you mean "orders"?); declare it in an upstream task's static outputs`,
      },
    ]);
  });

  it("refuses an input output by a task that is not upstream of its reader", () => {
    const A = task("A", undefined, ["x"]);
    const B = task("B", ["x"]);
    expect(wf().addNode(A).addNode(B).validate()).toEqual([
      { code: "unknown-input", path: ["nodes", 1, "inputs", 0], tasks: ["B", "A"], message: `task B reads "x", output by A, which is not upstream of B: add A to its upstreams` },
    ]);
  });

  it("refuses a name output by two tasks", () => {
    const A = task("A", undefined, ["report"]);
    const B = task("B", undefined, { report: null });
    expect(wf().addNode(A).addNode(B).validate()).toEqual([
      { code: "duplicate-output", path: ["nodes", 1, "outputs"], tasks: ["A", "B"], message: `catalog name "report" is output by A and B; one task must own each name: rename one of them` },
    ]);
  });

  it("refuses a declaration that is not names (or names to schemas), saying what is wrong", () => {
    const cases: [unknown, RegExp][] = [
      ["orders", /static inputs must be an array of catalog names/],
      [["../x"], /static inputs holds "\.\.\/x", which is not a catalog name/],
      [["a", "a"], /static inputs names "a" twice/],
      [{ a: 5 }, /static inputs gives "a" something that is not a zod schema/],
    ];
    for (const [inputs, message] of cases) {
      const issues = wf().addNode(task("T", inputs)).validate();
      expect(issues, String(inputs)).toEqual([{ code: "invalid-data-declaration", path: ["nodes", 0, "inputs"], tasks: ["T"], message: expect.stringMatching(message) }]);
    }
  });
});
