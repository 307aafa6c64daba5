/**
 * Execution overhead of the notebook engine: the etl example run as an exported notebook in a
 * real Jupyter with the tslab kernel, against the same workflow run by `wf run`, in the same run.
 *
 *   npm run build && tsx bench/notebook-execution.ts              # prints tables
 *   npm run build && tsx bench/notebook-execution.ts --json       # machine-readable results on stdout
 *   npm run build && tsx bench/notebook-execution.ts --runs 7     # timed rounds (default 5, at least 3)
 *   npm run bench:notebook                                        # build + bench/notebook-export.ts and this
 *
 * It needs the cached Jupyter venv and tslab install of the tests (`ensureJupyter()` from
 * test/support/jupyter.ts; built on first use, registered here into a temp Jupyter prefix); when
 * they are not available it says why and exits 0.
 *
 * Set-up, outside the timers: a temp folder laid out like a user's project
 * (`createNotebookProject()`: `node_modules/wfkit` a symlink to this repository, `@types/node`
 * and `undici-types` symlinks, package.json), and in it `nb/csv_to_report_etl_orders_1.0.0.ipynb`
 * from `node <repo>/dist/cli/bin.js export --engine notebook --out <project>/nb
 * examples/etl.ts` (cwd the repository), plus `empty.ipynb`: the same kernel, one code cell
 * `const x: number = 1;`.
 *
 *   notebook        `executeNotebook()` (test/support/jupyter.ts) of the etl notebook: one Python
 *                   process runs nbclient, which starts the tslab kernel, runs every cell in
 *                   order (parameters, set-up, the 3 task cells, summary) and shuts the kernel
 *                   down. Wall time of the whole call. Must succeed.
 *   wf run (peer)   `node <repo>/dist/cli/bin.js run examples/etl.ts` (cwd the repository),
 *                   wall time from spawn to exit. Must exit 0.
 *   empty notebook  (floor) `executeNotebook()` of empty.ipynb: Python, nbclient, kernel start,
 *                   tslab's first compile of a cell, shutdown: what any tslab notebook costs.
 *   node -e "0"     (floor of wf run) starting Node.js at all.
 *
 * Both workflow runs get the same environment: this process's without WF_* and NODE_OPTIONS, plus
 * WF_HOME a temp folder (Jupyter's own variables are set by executeNotebook). Reported: both
 * medians and the ratio notebook / wf run; notebook − empty notebook: the part of the notebook's
 * time that is wfkit's (loading wfkit and the workflow in the kernel, the run, and tslab
 * compiling the generated cells); wf run − node -e "0" beside it. From the executed notebooks'
 * cell timings (nbclient records the kernel's busy and idle times of every cell, to the ms):
 * each cell's time, "until the first cell" (call to the first cell's start: Python, nbclient,
 * kernel start) and "after the last cell" (kernel shutdown, Python's exit, reading the result).
 *
 * Method: every command once per round, the order rotating from round to round; 1 untimed
 * warm-up round, then `runs` rounds; medians (and p90 for the totals).
 *
 * It is a benchmark, not a test: it reports and never fails. It runs the built dist/ (build first).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createNotebookProject, ensureJupyter, executeNotebook, type JupyterInstall, type NotebookProject } from "../test/support/jupyter.js";
import { countArg } from "./support/args.js";
import { countRunDirs } from "./support/run-dirs.js";
import { machineInfo } from "./support/machine.js";
import { median, p90 } from "./support/stats.js";
import { printTable } from "./support/table.js";

// ---------------------------------------------------------------------------------------------
// Settings

const WARMUP_ROUNDS = 1;
const WORKFLOW = "examples/etl.ts";
const DAG_ID = "csv_to_report_etl_orders_1.0.0";

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 5, 3);

const loadStart = loadavg()[0]!;
const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "dist", "cli", "bin.js");

function skip(reason: string): never {
  console.log(json ? JSON.stringify({ benchmark: "notebook-execution", skipped: reason }, null, 2) : `notebook-execution: skipped: ${reason}`);
  process.exit(0);
}

if (!existsSync(bin)) skip(`${bin} is missing: run npm run build first`);

// Every child (wf run, Python, the kernel) inherits this environment: no WF_*, no NODE_OPTIONS.
for (const key of Object.keys(process.env)) {
  if (key.startsWith("WF_") || key === "NODE_OPTIONS") delete process.env[key];
}

// ---------------------------------------------------------------------------------------------
// Jupyter, the project, the notebooks

const prefix = mkdtempSync(path.join(tmpdir(), "wfkit-bench-jupyter-"));
const found = await ensureJupyter(prefix);
if (!found.ok) {
  rmSync(prefix, { recursive: true, force: true });
  skip(`Jupyter with the tslab kernel is not available: ${found.reason.split("\n")[0]}`);
}
const install: JupyterInstall = found.install;

const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-nbexec-home-"));
const env: NodeJS.ProcessEnv = { ...process.env, WF_HOME: home };
let project: NotebookProject | undefined;

const warnings: string[] = [];

interface Cell {
  id: string;
  cell_type: string;
  metadata: { execution?: Record<string, string> };
}

interface Command {
  name: string;
  role: "subject" | "peer" | "floor";
  run(): Promise<Sample>;
}

interface Sample {
  ms: number;
  /** Notebooks: ms of each code cell (kernel busy → idle), by cell id. */
  cells?: Record<string, number>;
  /** Notebooks: from the call to the first cell's start (Python, nbclient, kernel start). */
  untilFirstCellMs?: number;
  /** Notebooks: from the last cell's end to the call's return (shutdown, Python's exit). */
  afterLastCellMs?: number;
}

const failed = new Set<string>();
function fail(name: string, message: string): void {
  if (failed.has(name)) return;
  failed.add(name);
  warnings.push(`${name}: ${message.trim().slice(-800)}`);
}

/** `node <args>` in the repository, timed from spawn to exit. */
function nodeCommand(name: string, role: Command["role"], args: string[], check: (stdout: string) => boolean): Command {
  return {
    name,
    role,
    run: async () => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
      const ms = performance.now() - t0;
      if (r.status !== 0 || !check(r.stdout)) fail(name, `exited ${r.status ?? r.signal}: ${r.stderr}${r.stdout}`);
      return { ms };
    },
  };
}

/** executeNotebook(file), timed around the call; the cells' own times from the executed notebook. */
function notebookCommand(name: string, role: Command["role"], file: string, check: (text: string) => boolean): Command {
  return {
    name,
    role,
    run: async () => {
      const startEpoch = Date.now();
      const t0 = performance.now();
      const run = await executeNotebook(file, { install, env: { WF_HOME: home } });
      const ms = performance.now() - t0;
      const endEpoch = startEpoch + ms;
      if (!run.ok || !check(run.cells.map((c) => c.text).join(""))) fail(name, `${run.failedCellId ?? ""} ${run.error ?? run.cells.map((c) => c.text).join("")}`);
      const cells: Record<string, number> = {};
      let firstBusy = Number.POSITIVE_INFINITY;
      let lastIdle = Number.NEGATIVE_INFINITY;
      for (const cell of (run.notebook as unknown as { cells: Cell[] }).cells) {
        const busy = Date.parse(cell.metadata.execution?.["iopub.status.busy"] ?? "");
        const idle = Date.parse(cell.metadata.execution?.["iopub.status.idle"] ?? "");
        if (cell.cell_type !== "code" || Number.isNaN(busy) || Number.isNaN(idle)) continue;
        cells[cell.id] = idle - busy;
        firstBusy = Math.min(firstBusy, busy);
        lastIdle = Math.max(lastIdle, idle);
      }
      const untilFirstCellMs = firstBusy - startEpoch;
      // nbclient waits 30 s for a kernel, then the driver starts another: that round is not typical.
      if (untilFirstCellMs > 25_000) warnings.push(`${name}: ${(untilFirstCellMs / 1000).toFixed(1)} s until the first cell (a kernel start retried?)`);
      return { ms, cells, untilFirstCellMs, afterLastCellMs: endEpoch - lastIdle };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

const NOTEBOOK = "notebook (etl, tslab kernel)";
const WF_RUN = `wf run ${WORKFLOW}`;
const EMPTY = "empty tslab notebook (1 trivial cell)";
const NODE = 'node -e "0"';
const samples = new Map<string, Sample[]>();
let cellIds: string[] = [];

try {
  project = await createNotebookProject();
  const nbDir = path.join(project.dir, "nb");
  const exported = spawnSync(process.execPath, [bin, "export", "--engine", "notebook", "--out", nbDir, WORKFLOW], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const notebookFile = path.join(nbDir, `${DAG_ID}.ipynb`);
  if (exported.status !== 0 || !existsSync(notebookFile)) throw new Error(`wf export --engine notebook ${WORKFLOW} exited ${exported.status ?? exported.signal}: ${exported.stderr}`);
  const notebook = JSON.parse(readFileSync(notebookFile, "utf8")) as { cells: Cell[]; metadata: Record<string, unknown> };
  cellIds = notebook.cells.filter((c) => c.cell_type === "code").map((c) => c.id);
  const emptyFile = path.join(project.dir, "empty.ipynb");
  const { kernelspec, language_info } = notebook.metadata;
  const empty = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec, language_info },
    cells: [{ cell_type: "code", id: "only", metadata: {}, source: ["const x: number = 1;"], outputs: [], execution_count: null }],
  };
  writeFileSync(emptyFile, `${JSON.stringify(empty, null, 1)}\n`);

  const commands: Command[] = [
    notebookCommand(NOTEBOOK, "subject", notebookFile, (text) => text.includes(`✔ ${DAG_ID}  success`)),
    nodeCommand(WF_RUN, "peer", [bin, "run", WORKFLOW], (stdout) => stdout.includes(`✔ ${DAG_ID}  success`)),
    notebookCommand(EMPTY, "floor", emptyFile, () => true),
    nodeCommand(NODE, "floor", ["-e", "0"], () => true),
  ];
  for (const c of commands) samples.set(c.name, []);

  if (!json) console.log(`${commands.length} commands × (${WARMUP_ROUNDS} warm-up + ${RUNS}) rounds; about 10 s a round …`);
  for (let round = 0; round < WARMUP_ROUNDS + RUNS; round++) {
    const k = round % commands.length;
    for (const command of [...commands.slice(k), ...commands.slice(0, k)]) {
      const sample = await command.run();
      if (round >= WARMUP_ROUNDS) samples.get(command.name)!.push(sample);
    }
  }
  const runs = countRunDirs(home);
  const expected = 2 * (WARMUP_ROUNDS + RUNS);
  if (runs !== expected) warnings.push(`expected ${expected} run directories under WF_HOME (wf run and the notebook), found ${runs}`);
} catch (error) {
  warnings.push(error instanceof Error ? error.message : String(error));
} finally {
  await project?.cleanup();
  rmSync(home, { recursive: true, force: true });
  rmSync(prefix, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Results

const stat = (name: string) => {
  const xs = (samples.get(name) ?? []).map((s) => s.ms);
  return { medianMs: xs.length > 0 ? median(xs) : Number.NaN, p90Ms: xs.length > 0 ? p90(xs) : Number.NaN, samplesMs: xs };
};
const notebookCells = (name: string) => {
  const xs = samples.get(name) ?? [];
  const ids = Object.keys(xs[0]?.cells ?? {});
  const pick = (f: (s: Sample) => number) => (xs.length > 0 ? median(xs.map(f)) : Number.NaN);
  return {
    untilFirstCellMs: pick((s) => s.untilFirstCellMs!),
    cellsMs: Object.fromEntries(ids.map((id) => [id, pick((s) => s.cells![id] ?? Number.NaN)])),
    allCellsMs: pick((s) => Object.values(s.cells!).reduce((a, b) => a + b, 0)),
    afterLastCellMs: pick((s) => s.afterLastCellMs!),
  };
};
const nb = stat(NOTEBOOK);
const wfRun = stat(WF_RUN);
const emptyNb = stat(EMPTY);
const node = stat(NODE);
const results = {
  notebook: { ...nb, ...notebookCells(NOTEBOOK) },
  wfRun,
  emptyNotebook: { ...emptyNb, ...notebookCells(EMPTY) },
  node,
  /** The target's figure: notebook / wf run. */
  ratioNotebookToWfRun: nb.medianMs / wfRun.medianMs,
  /** Notebook − empty notebook: wfkit's part of the notebook's time (and tslab compiling its cells). */
  notebookWfkitPartMs: nb.medianMs - emptyNb.medianMs,
  /** wf run − node -e "0": wfkit's part of wf run's time. */
  wfRunWfkitPartMs: wfRun.medianMs - node.medianMs,
  ratioNotebookToEmptyNotebook: nb.medianMs / emptyNb.medianMs,
};

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "notebook-execution",
        machine,
        jupyter: { versions: install.versions, tslab: install.tslabVersion },
        settings: { workflow: WORKFLOW, runs: RUNS, warmupRounds: WARMUP_ROUNDS, env: { WF_HOME: "<temp>" } },
        results,
        warnings,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x: number) => x.toFixed(0);
  const rows = [
    ["command", "median ms", "p90 ms", "ratio to wf run", "− floor ms"],
    [NOTEBOOK, f(nb.medianMs), f(nb.p90Ms), `${results.ratioNotebookToWfRun.toFixed(2)}x`, `+${f(results.notebookWfkitPartMs)} (− empty notebook)`],
    [`${WF_RUN} (peer)`, f(wfRun.medianMs), f(wfRun.p90Ms), "1.00x", `+${f(results.wfRunWfkitPartMs)} (− node -e "0")`],
    [`${EMPTY} (floor)`, f(emptyNb.medianMs), f(emptyNb.p90Ms), `${(emptyNb.medianMs / wfRun.medianMs).toFixed(2)}x`, ""],
    [`${NODE} (floor)`, f(node.medianMs), f(node.p90Ms), `${(node.medianMs / wfRun.medianMs).toFixed(2)}x`, ""],
  ];
  console.log(`Notebook execution of ${WORKFLOW} vs wf run — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}); jupyterlab ${install.versions["jupyterlab"]}, nbclient ${install.versions["nbclient"]}, tslab ${install.tslabVersion}`);
  console.log(`wall time; median of ${RUNS} rounds after ${WARMUP_ROUNDS} warm-up, command order rotating`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  printTable(rows);
  const n = results.notebook;
  const e = results.emptyNotebook;
  console.log("\nwhere the notebooks' time goes (median ms; cells: the kernel's busy → idle):");
  const ids = [...new Set([...cellIds, ...Object.keys(n.cellsMs)])];
  printTable([
    ["part", "etl notebook", "empty notebook"],
    ["until the first cell: Python, nbclient, kernel start", f(n.untilFirstCellMs), f(e.untilFirstCellMs)],
    ...ids.map((id) => [`  cell ${id}`, f(n.cellsMs[id] ?? Number.NaN), ""]),
    ["  cell only", "", f(e.cellsMs["only"] ?? Number.NaN)],
    ["all cells", f(n.allCellsMs), f(e.allCellsMs)],
    ["after the last cell: shutdown, Python's exit", f(n.afterLastCellMs), f(e.afterLastCellMs)],
  ]);
  console.log(
    `\nnotebook / wf run: ${results.ratioNotebookToWfRun.toFixed(2)}x (${f(nb.medianMs)} vs ${f(wfRun.medianMs)} ms); wfkit's part: notebook − empty notebook ${f(results.notebookWfkitPartMs)} ms, wf run − node -e "0" ${f(results.wfRunWfkitPartMs)} ms`,
  );
  for (const w of warnings) console.log(`warning: ${w}`);
}
