/**
 * Export throughput of the notebook engine: 1,000 workflows of 20 tasks each to Jupyter
 * notebooks, end to end through the CLI and in process, against the Airflow export of the same
 * workflows (the peer) and the floor of writing the same files, in the same rounds.
 *
 *   npm run build && tsx bench/notebook-export.ts              # prints tables
 *   npm run build && tsx bench/notebook-export.ts --json       # machine-readable results on stdout
 *   npm run build && tsx bench/notebook-export.ts --runs 7     # timed rounds (default 5, at least 3)
 *   npm run build && tsx bench/notebook-export.ts --keep       # keep the generated package (to profile)
 *   npm run bench:notebook                                     # build + this and bench/notebook-execution.ts
 *
 * The workload is bench/airflow-export.ts's, from the same generator
 * (bench/support/export-workload.ts): a temp workflow package (`node_modules/wfkit` a symlink to
 * this repository, `node_modules/zod` to its zod) with one plain-JS module, `workflows.mjs`, that
 * exports 1,000 workflows of 20 tasks (chains, fans 1 → 18 → 1, 4 layers of 5; 1 to 3 params;
 * some scheduled; varied retries and queues).
 *
 * (a) CLI end to end: `node <repo>/dist/cli/bin.js export --engine notebook --out <new dir>
 *     workflows.mjs` (cwd the package), wall time from spawn to exit: Node's start, loading the
 *     module, source analysis (ts-morph), validation, rendering, the all-or-nothing write.
 *     Peer, in the same round: the same command with `--engine airflow`. Breakdown:
 *     `node -e 'await import("./workflows.mjs")'` (Node + building the 1,000 workflows).
 * (b) In process: `renderNotebook` from "wfkit/notebook" for the 1,000 workflows (outDir the
 *     folder written to; a fresh instance of the module, imported outside the timer, so
 *     validation, sort and dag hash are inside), then fs.writeFile of the 1,000 notebooks.
 *     Peer: `renderAirflowDag` (Airflow 3) of another fresh instance, then writing its files.
 * Floor: `for (const f of files) await writeFile(path, content)` of the 1,000 rendered notebooks
 *     into a new folder: the least any exporter does with this output. It is also the write part
 *     of (b); the peer's own write floor is reported beside it.
 *
 * Ratios: notebook / airflow for (a) and (b); each against its write floor. The engine that goes
 * first alternates from round to round, so drift hits both alike.
 *
 * Target (from the issue): the export of 1,000 workflows of 20 tasks to notebooks under 3 s;
 * checked for (a) and for (b). Method: one untimed warm-up round, then `runs` rounds; medians; a
 * forced GC before each in-process section. Every output folder is new and removed at the end.
 *
 * It is a benchmark, not a test: it reports whether the target is met and never fails. It imports
 * "wfkit", "wfkit/notebook" and "wfkit/airflow" as a user would, i.e. the built dist/ (build first).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { renderAirflowDag } from "wfkit/airflow";
import { renderNotebook } from "wfkit/notebook";
import { startExportBench } from "./support/export-bench.js";
import { TASKS, WORKFLOWS, folderSize, freshWorkflows, gc, writeAll, type ExportedWorkflow } from "./support/export-workload.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

// ---------------------------------------------------------------------------------------------
// Settings

const TARGET_MS = 3_000;

const bench = startExportBench("notebook-export", "wfkit-bench-nbexport-");
const { json, runs: RUNS, keep, loadStart, warnings, newOut, cliExport, moduleImportProcess, dir, pkg, package: PACKAGE, module: MODULE, moduleFile } = bench;

// ---------------------------------------------------------------------------------------------
// Measurements

type Engine = "notebook" | "airflow";
const ENGINES: readonly Engine[] = ["notebook", "airflow"];




interface Rendered {
  fileName: string;
  content: string;
  tasks: string[];
}

/** Render every workflow for `engine`; notebooks for `out`, the folder they are then written to. */
async function renderAll(engine: Engine, workflows: ExportedWorkflow[], out: string): Promise<{ ms: number; files: Rendered[] }> {
  const source = (w: ExportedWorkflow) => ({ workflow: w.workflow, package: PACKAGE, modulePath: MODULE, exportName: w.exportName, docs: { tasks: {} } });
  const nbSource = (w: ExportedWorkflow) => ({ ...source(w), package: { ...PACKAGE, root: pkg } });
  gc();
  const t0 = performance.now();
  const files: Rendered[] = [];
  if (engine === "notebook") {
    for (const w of workflows) files.push(await renderNotebook(nbSource(w), { outDir: out }));
  } else {
    for (const w of workflows) files.push(await renderAirflowDag(source(w), { airflowVersion: "3" }));
  }
  return { ms: performance.now() - t0, files };
}

interface EngineSamples {
  cliMs: number[];
  buildMs: number[];
  renderMs: number[];
  writeMs: number[];
}
const samples: Record<Engine, EngineSamples> & { moduleImportMs: number[] } = {
  notebook: { cliMs: [], buildMs: [], renderMs: [], writeMs: [] },
  airflow: { cliMs: [], buildMs: [], renderMs: [], writeMs: [] },
  moduleImportMs: [],
};
const cliOutput: Record<Engine, { files: number; bytes: number }> = { notebook: { files: 0, bytes: 0 }, airflow: { files: 0, bytes: 0 } };
const inProcessOutput: Record<Engine, { files: number; bytes: number }> = { notebook: { files: 0, bytes: 0 }, airflow: { files: 0, bytes: 0 } };
const tasksRendered: Record<Engine, number> = { notebook: 0, airflow: 0 };

try {
  if (!json) console.log(`${WORKFLOWS} workflows × ${TASKS} tasks, notebook and airflow; 1 warm-up + ${RUNS} rounds …`);
  for (let round = 0; round <= RUNS; round++) {
    const timed = round > 0;
    const order = round % 2 === 0 ? ENGINES : [...ENGINES].reverse();
    const cli = new Map<Engine, { ms: number; out: string }>();
    for (const engine of order) cli.set(engine, cliExport(engine));
    const moduleMs = moduleImportProcess();
    if (timed) samples.moduleImportMs.push(moduleMs);
    for (const engine of order) {
      gc();
      const t0 = performance.now();
      const workflows = await freshWorkflows(moduleFile, `${round}-${engine}`);
      const buildMs = performance.now() - t0;
      if (workflows.length !== WORKFLOWS) warnings.push(`the module exported ${workflows.length} workflows, not ${WORKFLOWS}`);
      const out = newOut(engine);
      const render = await renderAll(engine, workflows, out);
      const files = render.files.map((f) => ({ name: f.fileName, content: f.content }));
      const writeMs = await writeAll(files, out);
      const cliRun = cli.get(engine)!;
      if (round === RUNS) {
        cliOutput[engine] = folderSize(cliRun.out);
        inProcessOutput[engine] = { files: files.length, bytes: files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0) };
        tasksRendered[engine] = render.files.reduce((sum, f) => sum + f.tasks.length, 0);
        // Both output folders are siblings, so a notebook's relative package root is the same in both.
        for (const sample of [files[0]!, files.at(-1)!]) {
          if (readFileSync(path.join(cliRun.out, sample.name), "utf8") !== sample.content) warnings.push(`${engine} ${sample.name}: the CLI wrote other bytes than the in-process render`);
        }
      }
      if (timed) {
        const s = samples[engine];
        s.cliMs.push(cliRun.ms);
        s.buildMs.push(buildMs);
        s.renderMs.push(render.ms);
        s.writeMs.push(writeMs);
      }
    }
    // Outputs are large (tens of MB a round): keep only the last round's.
    for (const name of readdirSync(dir)) if (name.startsWith("out-") && round < RUNS) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
} finally {
  if (keep) (json ? process.stderr : process.stdout).write(`kept ${dir} (the package is pkg/, the module pkg/${MODULE})\n`);
  else rmSync(dir, { recursive: true, force: true });
}
for (const engine of ENGINES) {
  if (tasksRendered[engine] !== WORKFLOWS * TASKS) warnings.push(`${engine}: rendered ${tasksRendered[engine]} tasks, not ${WORKFLOWS * TASKS}`);
  if (cliOutput[engine].files !== WORKFLOWS) warnings.push(`${engine}: the CLI wrote ${cliOutput[engine].files} files, not ${WORKFLOWS}`);
}

const moduleImportMs = median(samples.moduleImportMs);
const summarize = (engine: Engine) => {
  const s = samples[engine];
  const m = {
    cliMs: median(s.cliMs),
    buildMs: median(s.buildMs),
    renderMs: median(s.renderMs),
    writeMs: median(s.writeMs),
    renderWriteMs: median(s.renderMs.map((r, i) => r + s.writeMs[i]!)),
  };
  return {
    cli: {
      ms: m.cliMs,
      targetMet: m.cliMs < TARGET_MS,
      ratioToWriteFloor: m.cliMs / m.writeMs,
      /** CLI − (Node + module) − in-process render + write: source analysis, validation, CLI, staging + rename. */
      restMs: m.cliMs - moduleImportMs - m.renderWriteMs,
      output: cliOutput[engine],
    },
    inProcess: {
      buildMs: m.buildMs,
      renderMs: m.renderMs,
      renderUsPerTask: (m.renderMs * 1000) / (WORKFLOWS * TASKS),
      writeMs: m.writeMs,
      renderWriteMs: m.renderWriteMs,
      targetMet: m.renderWriteMs < TARGET_MS,
      ratioToWriteFloor: m.renderWriteMs / m.writeMs,
      output: inProcessOutput[engine],
    },
    floors: { writeMs: m.writeMs },
  };
};
const notebook = summarize("notebook");
const airflow = summarize("airflow");
const results = {
  notebook,
  airflow,
  /** Node's start + loading the module, in its own process. */
  moduleImportProcessMs: moduleImportMs,
  ratioNotebookToAirflow: {
    cli: notebook.cli.ms / airflow.cli.ms,
    inProcess: notebook.inProcess.renderWriteMs / airflow.inProcess.renderWriteMs,
    render: notebook.inProcess.renderMs / airflow.inProcess.renderMs,
    write: notebook.inProcess.writeMs / airflow.inProcess.writeMs,
  },
  samples,
};

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);

if (json) {
  console.log(
    JSON.stringify(
      { benchmark: "notebook-export", machine, settings: { workflows: WORKFLOWS, tasks: TASKS, runs: RUNS }, target: { ms: TARGET_MS }, results, warnings },
      null,
      2,
    ),
  );
} else {
  const f = (x: number) => x.toFixed(0);
  const x = (r: number) => `${r.toFixed(2)}x`;
  const yes = (ok: boolean) => (ok ? "yes" : "NO");
  const r = results.ratioNotebookToAirflow;
  const rows = [
    ["what", "median ms", "notebook / airflow", "vs own write floor", `< ${TARGET_MS / 1000} s`],
    ["(a) wf export --engine notebook (CLI, end to end)", f(notebook.cli.ms), x(r.cli), `${notebook.cli.ratioToWriteFloor.toFixed(1)}x`, yes(notebook.cli.targetMet)],
    ["    peer: wf export --engine airflow (CLI)", f(airflow.cli.ms), "", `${airflow.cli.ratioToWriteFloor.toFixed(1)}x`, yes(airflow.cli.targetMet)],
    ["    node + import workflows.mjs (own process)", f(moduleImportMs), "", "", ""],
    ["    notebook rest: analysis, validation, CLI, staging (derived)", f(notebook.cli.restMs), "", "", ""],
    ["    airflow rest (derived)", f(airflow.cli.restMs), "", "", ""],
    ["(b) renderNotebook × 1,000 + writeFile (in process)", f(notebook.inProcess.renderWriteMs), x(r.inProcess), `${notebook.inProcess.ratioToWriteFloor.toFixed(1)}x`, yes(notebook.inProcess.targetMet)],
    [`    renderNotebook × 1,000 (${notebook.inProcess.renderUsPerTask.toFixed(1)} µs/task)`, f(notebook.inProcess.renderMs), x(r.render), "", ""],
    ["    peer: renderAirflowDag × 1,000 + writeFile", f(airflow.inProcess.renderWriteMs), "", `${airflow.inProcess.ratioToWriteFloor.toFixed(1)}x`, yes(airflow.inProcess.targetMet)],
    [`    renderAirflowDag × 1,000 (${airflow.inProcess.renderUsPerTask.toFixed(1)} µs/task)`, f(airflow.inProcess.renderMs), "", "", ""],
    ["floor: writeFile × 1,000 rendered notebooks", f(notebook.inProcess.writeMs), x(r.write), "1.0x", ""],
    ["    peer's floor: writeFile × 1,000 DAG files", f(airflow.inProcess.writeMs), "", "1.0x", ""],
    ["(building the workflows in process: notebook / airflow rounds)", `${f(notebook.inProcess.buildMs)} / ${f(airflow.inProcess.buildMs)}`, "", "", ""],
  ];
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log(`Notebook export of ${WORKFLOWS} workflows × ${TASKS} tasks, Airflow export as peer — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`median of ${RUNS} rounds after 1 warm-up, engine order alternating; output: notebooks ${cliOutput.notebook.files} files, ${mb(cliOutput.notebook.bytes)} MB; DAG files ${cliOutput.airflow.files} files, ${mb(cliOutput.airflow.bytes)} MB`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  printTable(rows);
  const all = notebook.cli.targetMet && notebook.inProcess.targetMet;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(
    `\ntarget (notebook export of ${WORKFLOWS} × ${TASKS} under ${TARGET_MS / 1000} s): ${all ? "met" : "NOT met"} — CLI end to end: ${met(notebook.cli.targetMet)} (${f(notebook.cli.ms)} ms); in process: ${met(notebook.inProcess.targetMet)} (${f(notebook.inProcess.renderWriteMs)} ms)`,
  );
  for (const w of warnings) console.log(`warning: ${w}`);
}
