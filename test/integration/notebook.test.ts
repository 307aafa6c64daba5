// Exported notebooks executed by a real Jupyter kernel (tslab, through nbclient): the etl example
// end to end, the failing example stopping at its failing task, a changed parameter reaching the
// task, a re-run cell's next attempt, the hostile workflow's text staying text, and a packaged
// notebook finding the version `wf install` put under WF_INSTALL_ROOT.
import { existsSync } from "node:fs";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE, HOSTILE_MARKER } from "../fixtures/workflows/hostile.js";
import { createNotebookProject, executeNotebook, jupyterAvailability, type NotebookProject } from "../support/jupyter.js";
import { readZip } from "../support/read-zip.js";
import { exec } from "../support/python-venv.js";
import { repoRoot, wf } from "../support/wf-cli.js";

const SLOW = 240_000;
const found = jupyterAvailability();
const title = found.ok ? "notebooks in a real Jupyter kernel (tslab)" : `notebooks in a real Jupyter kernel (skipped: ${found.reason.split("\n")[0]})`;

interface Cell {
  id: string;
  cell_type: string;
  metadata: { wfkit?: { task: string }; tags?: string[] };
  source: string[];
}

/** The id of the code cell that runs `task`. */
async function taskCell(file: string, task: string): Promise<string> {
  const nb = JSON.parse(await readFile(file, "utf8")) as { cells: Cell[] };
  return nb.cells.find((c) => c.cell_type === "code" && c.metadata.wfkit?.task === task)!.id;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[|\u001b\]/;

describe.skipIf(!found.ok)(title, () => {
  let project: NotebookProject;
  let nb: string;
  const file = (dagId: string) => path.join(nb, `${dagId}.ipynb`);

  beforeAll(async () => {
    await rm(HOSTILE_MARKER, { force: true });
    project = await createNotebookProject();
    nb = path.join(project.dir, "nb");
    const out = await wf(["export", "--engine", "notebook", "--out", nb, "examples/etl.ts", "examples/flaky.ts", "test/fixtures/workflows/hostile.ts"]);
    expect(out.stderr).toContain("wf: wrote 3 notebooks for Jupyter (tslab kernel)");
    expect(out.code).toBe(0);
  }, SLOW);
  afterAll(() => project?.cleanup());

  it("exports the same bytes twice", async () => {
    const before = await Promise.all((await readdir(nb)).sort().map((f) => readFile(path.join(nb, f), "utf8")));
    expect((await wf(["export", "--engine", "notebook", "--out", nb, "examples/etl.ts", "examples/flaky.ts", "test/fixtures/workflows/hostile.ts"])).code).toBe(0);
    const after = await Promise.all((await readdir(nb)).sort().map((f) => readFile(path.join(nb, f), "utf8")));
    expect(after).toEqual(before);
  }, SLOW);

  it("writes notebooks that nbformat's own schema (4.5) accepts", async () => {
    if (!found.ok) return;
    const check = [
      "import json, sys, nbformat",
      "for f in sys.argv[1:]:",
      "    nb = nbformat.read(f, as_version=nbformat.NO_CONVERT)",
      "    nbformat.validate(nb, version=4, version_minor=5)",
      "    assert (nb.nbformat, nb.nbformat_minor) == (4, 5), f",
      "    # what Jupyter writes back on save: our bytes already are that",
      "    assert nbformat.writes(nb) + '\\n' == open(f, encoding='utf-8').read(), f",
      "print('valid', len(sys.argv) - 1)",
    ].join("\n");
    const files = (await readdir(nb)).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(nb, f));
    const r = await exec(found.install.python, ["-c", check, ...files], { env: { ...process.env, PYTHONWARNINGS: "ignore" } });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(`valid ${files.length}`);
  }, SLOW);

  it("runs the etl notebook: every cell, each task's own log lines in order, every task success", { timeout: SLOW }, async () => {
    const notebook = file("csv_to_report_etl_orders_1.0.0");
    const run = await executeNotebook(notebook);
    expect(run.error).toBeUndefined();
    expect(run.ok).toBe(true);
    const code = run.cells.filter((c) => c.cellType === "code");
    expect(code.map((c) => c.executionCount)).toEqual(code.map((_, i) => i + 1));
    const all = run.cells.map((c) => c.text).join("");
    const lines = ["INFO  Extract extracted 6 orders", "INFO  Transform kept 4 of 6 orders", "INFO  Load loaded 2 customers into report.csv"];
    const at = lines.map((l) => all.indexOf(l));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const summary = run.cells.at(-1)!.text;
    expect(summary).toMatch(/✔ csv_to_report_etl_orders_1\.0\.0 {2}success {2}3 tasks in/);
    for (const task of ["Extract", "Transform", "Load"]) expect(summary).toMatch(new RegExp(`✔ ${task} +success`));
    expect(all).not.toMatch(ANSI);
    expect(run.cells.map((c) => c.stderr).join("")).toBe("");
    const [transformCell, extractCell] = [await taskCell(notebook, "Transform"), await taskCell(notebook, "Extract")];
    // Transform counts its orders: the notebook presenter's final lines in its own cell, plain
    // text, before the task's outcome; the other tasks track nothing and print no progress.
    const transform = run.cells.find((c) => c.id === transformCell)!.text;
    expect(transform).toMatch(/^Transform\s+#{24}\s+6\/6\s+100%.*done\n {2}orders\s+#{24}\s+6\/6\s+100%.*done\n✔ Transform succeeded/m);
    expect(run.cells.find((c) => c.id === extractCell)!.text).not.toMatch(/#{24}/);
  });

  it("stops the failing example at the failing task's cell, with the task and its error in the output", { timeout: SLOW }, async () => {
    const notebook = file("flaky_demo_dev");
    const run = await executeNotebook(notebook, { env: { WF_RETRY_DELAY_SECONDS: "0" } });
    expect(run.ok).toBe(false);
    expect(run.failedCellId).toBe(await taskCell(notebook, "AlwaysFails"));
    const failed = run.cells.at(-1)!;
    expect(failed.id).toBe(run.failedCellId);
    expect(failed.stdout).toMatch(/✖ AlwaysFails failed · flaky_demo_dev · attempt 1\n {2}ExportError: the export target rejected the file: quota exceeded\n {2}at \S*flaky\.ts:\d+ in AlwaysFails\.run\n/);
    expect(failed.stdout).toMatch(/full log and stack: .*run\.log/);
    expect(failed.stderr).toContain("ExportError: the export target rejected the file: quota exceeded");
    // Flaky's retry happened inside its cell, as on the other engines
    expect(run.cells.map((c) => c.text).join("")).toContain("✔ Flaky succeeded (attempt 2,");
    // nothing after the failing cell ran
    const ids = (JSON.parse(await readFile(notebook, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code").map((c) => c.id);
    expect(run.cells.filter((c) => c.cellType === "code").map((c) => c.id)).toEqual(ids.slice(0, ids.indexOf(run.failedCellId!) + 1));
  });

  it("runs a task again when its cell runs again: the attempt number goes up", { timeout: SLOW }, async () => {
    const notebook = file("flaky_demo_dev");
    const start = await taskCell(notebook, "Start");
    const run = await executeNotebook(notebook, { steps: ["parameters", "setup", start, start, "summary"] });
    expect(run.ok).toBe(true);
    expect(run.cells[2]!.stdout).toContain("✔ Start succeeded (attempt 1,");
    expect(run.cells[3]!.stdout).toContain("✔ Start succeeded (attempt 2,");
    expect(run.cells[4]!.stdout).toMatch(/✔ Start +success +on attempt 2/);
    expect(run.cells[4]!.stdout).toMatch(/terminated/); // the other tasks were never run
  });

  it("Jupyter's interrupt stops a task that hangs: it ends terminated (task.terminated recorded), and the kernel lives", { timeout: SLOW }, async () => {
    const dir = path.join(project.dir, "nb-quits");
    const out = await wf(["export", "--engine", "notebook", "--out", dir, "test/fixtures/workflows/quits.ts"]);
    expect(out.code, out.stderr).toBe(0);
    const notebook = path.join(dir, "hangs_dev.ipynb");
    const hangs = await taskCell(notebook, "Hangs");
    // Late enough that tslab has compiled the cell and the task awaits its promise.
    const run = await executeNotebook(notebook, { steps: ["parameters", "setup", hangs], interrupt: { cell: hangs, afterSeconds: 6 } });
    // tslab ends the interrupted cell with its own error; the kernel did not die.
    expect(run.failedCellId).toBe(hangs);
    expect(run.error).not.toMatch(/DeadKernelError|CellTimeoutError/);
    const cell = run.cells.at(-1)!;
    expect(cell.text).toContain("hanging");
    expect(cell.stdout).toMatch(/■ Hangs terminated: TaskTerminatedError: task Hangs was terminated: the kernel was interrupted while Hangs ran \(attempt 1, \d+ ms\)/);
    const runDir = /run directory (\S+)/.exec(run.cells[1]!.stdout)![1]!;
    const events = (await readFile(path.join(runDir, "events.jsonl"), "utf8")).trimEnd().split("\n").map((l) => JSON.parse(l) as { data: { action: string; reason?: string } });
    expect(events.map((e) => e.data.action)).toEqual(["run.started", "task.started", "task.terminated"]);
    expect(events.at(-1)!.data.reason).toContain("the kernel was interrupted while Hangs ran");
  });

  it("gives the tasks a parameter changed in the parameters cell", { timeout: SLOW }, async () => {
    const notebook = file("csv_to_report_etl_orders_1.0.0");
    const doc = JSON.parse(await readFile(notebook, "utf8")) as { cells: Cell[] };
    const params = doc.cells.find((c) => c.metadata.tags?.includes("parameters"))!;
    const source = params.source.join("");
    expect(source).toContain('currency: "EUR",');
    params.source = [source.replace('currency: "EUR",', 'currency: "USD",').replace("minAmount: 0,", "minAmount: 100,")];
    const changed = path.join(nb, "etl-usd.ipynb");
    await writeFile(changed, JSON.stringify(doc));
    const run = await executeNotebook(changed);
    expect(run.ok).toBe(true);
    expect(run.cells.map((c) => c.text).join("")).toContain("INFO  Transform kept 1 of 6 orders currency=USD min_amount=100");
  });

  it("shows hostile text as text and never runs it", { timeout: SLOW }, async () => {
    const notebook = file("hostile_1.0.0");
    const run = await executeNotebook(notebook);
    expect(run.ok).toBe(true);
    const echo = run.cells.find((c) => c.id === "task-1")!;
    // the pretty log line quotes the note as JSON
    expect(echo.stdout).toContain(`note=${JSON.stringify(HOSTILE)}`);
    expect(existsSync(HOSTILE_MARKER)).toBe(false);
    const executed = run.notebook as unknown as { cells: Cell[] };
    const markdown = executed.cells.filter((c) => c.cell_type === "markdown").map((c) => c.source.join(""));
    expect(markdown).toHaveLength(4);
    expect(run.cells.filter((c) => c.cellType === "code").map((c) => c.id)).toEqual(["parameters", "setup", "task-1", "task-2", "task-3", "summary"]);
  });

  it("packages notebooks that find the version `wf install` put under WF_INSTALL_ROOT", { timeout: SLOW }, async () => {
    const zip = path.join(project.dir, "notebooks.zip");
    const packaged = await wf(["package", "--engine", "notebook", "--out", zip, "examples/etl.ts"]);
    expect(packaged.code).toBe(0);
    const entries = await readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(["manifest.json", "notebooks/csv_to_report_etl_orders_1.0.0.ipynb"]);
    const manifest = JSON.parse(entries[0]!.data.toString("utf8")) as { engine: { name: string; version: string } };
    expect(manifest.engine).toEqual({ name: "notebook", version: "4.5" });
    // Opened somewhere else, with the package installed where `wf install` puts it.
    const elsewhere = path.join(project.dir, "opened");
    const root = path.join(project.dir, "install-root");
    const { mkdir, symlink } = await import("node:fs/promises");
    await mkdir(path.join(root, "wfkit"), { recursive: true });
    await symlink(repoRoot, path.join(root, "wfkit", "0.1.0"));
    await mkdir(elsewhere);
    const target = path.join(elsewhere, "etl.ipynb");
    await writeFile(target, entries[1]!.data);
    const run = await executeNotebook(target, { env: { WF_INSTALL_ROOT: root } });
    expect(run.error).toBeUndefined();
    expect(run.cells.at(-1)!.text).toMatch(/✔ csv_to_report_etl_orders_1\.0\.0 {2}success/);
  });
});
