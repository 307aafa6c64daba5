// The real-Jupyter helpers themselves, on a hand-written TypeScript notebook run by the tslab kernel:
// top-level await, importing the built wfkit from a user-like project, a failing cell, and steps
// that run a cell again in the same kernel.
import { realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";

const SLOW = 180_000;
const found = jupyterAvailability();
const title = found.ok
  ? `real Jupyter test helpers (jupyterlab ${found.install.versions["jupyterlab"]}, tslab ${found.install.tslabVersion})`
  : `real Jupyter test helpers (skipped: ${found.reason.split("\n")[0]})`;

/** An nbformat 4.5 TypeScript notebook of code cells, by id. */
function notebook(cells: Record<string, string>): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: Object.entries(cells).map(([id, source]) => ({ id, cell_type: "code", metadata: {}, execution_count: null, outputs: [], source })),
  };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

describe.skipIf(!found.ok)(title, () => {
  let project: NotebookProject | undefined;
  beforeAll(async () => {
    project = await createNotebookProject();
  });
  afterAll(() => project?.cleanup());

  it("runs cells in order with top-level await and wfkit, and stops at the cell that throws", { timeout: SLOW }, async () => {
    const file = path.join(project!.dir, "three-cells.ipynb");
    await writeFile(
      file,
      notebook({
        "wait-a-bit": 'const started: number = Date.now();\nawait new Promise<void>((resolve) => setTimeout(resolve, 20));\nconsole.log("waited", Date.now() - started >= 20);',
        "use-wfkit": 'import { TaskBase } from "wfkit";\nconsole.log("TaskBase is a", typeof TaskBase, "in", process.cwd());',
        boom: 'throw new Error("boom");',
      }),
    );
    const run = await executeNotebook(file);
    expect(run.cells.map((c) => [c.id, c.cellType])).toEqual([
      ["wait-a-bit", "code"],
      ["use-wfkit", "code"],
      ["boom", "code"],
    ]);
    const [wait, wfkit, boom] = run.cells;
    expect(wait!.stdout).toBe("waited true\n");
    expect(wfkit!.stdout).toBe(`TaskBase is a function in ${realpathSync(project!.dir)}\n`);
    expect(wfkit!.stderr).toBe("");
    expect(run).toMatchObject({ ok: false, failedCellId: "boom" });
    expect(boom!.stderr).toContain("boom");
    expect(boom!.text).toContain("boom");
    expect(run.error).toContain("boom");
    // The executed notebook is nbclient's, as nbformat writes it: multi-line texts as lists of lines.
    const cells = run.notebook["cells"] as { id: string; execution_count: number | null; outputs: { name?: string; text?: string[] }[] }[];
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3]);
    expect(run.cells.map((c) => c.executionCount)).toEqual([1, 2, 3]);
    expect(cells[2]!.outputs).toEqual([expect.objectContaining({ output_type: "stream", name: "stderr" })]);
    expect(cells[2]!.outputs[0]!.text!.join("")).toBe(boom!.stderr);
    expect(run.notebook["metadata"]).toMatchObject({ language_info: { name: "typescript" } });
  });

  it("steps: runs the given cells in order in one kernel, the same cell again included", { timeout: SLOW }, async () => {
    const file = path.join(project!.dir, "counter.ipynb");
    await writeFile(
      file,
      notebook({
        init: "let n: number = 0;",
        bump: 'n += 1;\nconsole.log("n =", n);\nn * 10',
        never: 'console.log("not a step");',
      }),
    );
    const run = await executeNotebook(file, { steps: ["init", "bump", "bump"] });
    expect(run.ok).toBe(true);
    expect(run.cells.map((c) => c.id)).toEqual(["init", "bump", "bump"]);
    // tslab prints a cell's last expression value to stdout, not as an execute_result.
    expect(run.cells.slice(1).map((c) => c.stdout)).toEqual(["n = 1\n10\n", "n = 2\n20\n"]);
    expect(run.cells.map((c) => c.executionCount)).toEqual([1, 2, 3]);
    const never = (run.notebook["cells"] as { id: string; outputs: unknown[] }[]).find((c) => c.id === "never");
    expect(never!.outputs).toEqual([]);
  });
});
