/**
 * Export throughput: 1,000 workflows of 20 tasks each to Airflow DAG files, end to end through
 * the CLI and in process, against the floor of writing the same files, in the same run.
 *
 *   npm run build && tsx bench/airflow-export.ts              # prints tables
 *   npm run build && tsx bench/airflow-export.ts --json       # machine-readable results on stdout
 *   npm run build && tsx bench/airflow-export.ts --runs 7     # timed rounds (default 5, at least 3)
 *   npm run build && tsx bench/airflow-export.ts --keep       # keep the generated package (to profile)
 *
 * A temp folder holds a workflow package: package.json (type module), `node_modules/wfkit` a
 * symlink to this repository (so `import … from "wfkit"` resolves to the built package exactly as
 * an installed one does), `node_modules/zod` a symlink to the repository's zod, and one generated
 * plain-JS module, `workflows.mjs`: 20 task classes, 4 zod params schemas, and
 * `export const wf0000 = build(0);` … `wf0999`, each a Workflow of 20 tasks (a chain, a fan
 * 1 → 18 → 1, or 4 layers of 5 with 2 upstreams each; 1 to 3 params; some scheduled; varied
 * retries and queues). The generator is bench/support/export-workload.ts, shared with
 * bench/notebook-export.ts.
 *
 * (a) CLI end to end: `node <repo>/dist/cli/bin.js export --engine airflow --out <new dir>
 *     workflows.mjs` (cwd the package), wall time from spawn to exit: Node's start, loading the
 *     module (building the 1,000 workflows), source analysis (ts-morph, for doc comments and
 *     warnings), validation, rendering, and the all-or-nothing write (staging dir + rename).
 *     Alongside, as breakdown: `node -e 'await import("./workflows.mjs")'` (Node + the module).
 * (b) In process: `renderAirflowDag` from "wfkit/airflow" for the same 1,000 workflows (a fresh
 *     instance of the module each round, imported outside the timer, so every workflow is
 *     validated, sorted and hashed inside it), then writing the 1,000 files with fs.writeFile.
 * Floors, on the same data in the same rounds:
 *     write       `for (const f of files) await writeFile(path, content)` of the 1,000 rendered
 *                 files into a new folder: the least any exporter does with this output.
 *     JSON        JSON.stringify of each workflow's description (dag id, options, tasks with
 *                 settings and upstreams) and writeFile of 1,000 .json files: the least any
 *                 exporter of these workflows does.
 *
 * Target (from the issue): the export of 1,000 workflows of 20 tasks under 3 s; checked for
 * (a) and for (b). Method: one untimed warm-up round, then `runs` rounds of a, b and the floors;
 * medians. Every output folder is new and removed at the end.
 *
 * It is a benchmark, not a test: it reports whether the target is met and never fails. It imports
 * "wfkit" and "wfkit/airflow" as a user would, i.e. the built dist/ (build first).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Workflow } from "wfkit";
import { renderAirflowDag, type RenderedDag } from "wfkit/airflow";
import { startExportBench } from "./support/export-bench.js";
import {
  TASKS,
  WORKFLOWS,
  folderSize,
  freshWorkflows as freshModuleWorkflows,
  gc,
  writeAll as writeFloor,
} from "./support/export-workload.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

// ---------------------------------------------------------------------------------------------
// Settings

const TARGET_MS = 3_000;

const bench = startExportBench("airflow-export", "wfkit-bench-export-");
const { json, runs: RUNS, keep, loadStart, warnings, newOut, cliExport, moduleImportProcess, dir, pkg, package: PACKAGE, module: MODULE, moduleFile } = bench;

// ---------------------------------------------------------------------------------------------
// Measurements




/** A fresh instance of the module (a new URL each time): new, never analysed workflows. */
const freshWorkflows = (round: number) => freshModuleWorkflows(moduleFile, round);

/** (b) renderAirflowDag for every workflow. */
async function renderAll(workflows: { exportName: string; workflow: Workflow }[]): Promise<{ ms: number; dags: RenderedDag[] }> {
  gc();
  const t0 = performance.now();
  const dags: RenderedDag[] = [];
  for (const { exportName, workflow } of workflows) {
    dags.push(await renderAirflowDag({ workflow, package: PACKAGE, modulePath: MODULE, exportName, docs: { tasks: {} } }, { airflowVersion: "3" }));
  }
  return { ms: performance.now() - t0, dags };
}

/** Floor: fs.writeFile of the given files, one after the other, into a new folder. */
const writeAll = (files: { name: string; content: string }[], label: string): Promise<number> => writeFloor(files, newOut(label));

/** Floor: JSON.stringify of each workflow's description, and writeFile of the .json files. */
async function jsonFloor(workflows: { workflow: Workflow }[]): Promise<number> {
  const out = newOut("json");
  gc();
  const t0 = performance.now();
  await mkdir(out);
  for (const { workflow } of workflows) {
    const description = {
      dagId: workflow.dagId,
      options: { ...workflow.options, params: undefined },
      tasks: workflow.nodes.map((n) => ({ name: n.name, settings: n.settings, upstreams: n.upstreams.map((u) => u.name) })),
    };
    await writeFile(path.join(out, `${workflow.dagId}.json`), JSON.stringify(description, null, 2));
  }
  return performance.now() - t0;
}

const samples = { cliMs: [] as number[], moduleImportMs: [] as number[], buildMs: [] as number[], renderMs: [] as number[], writeMs: [] as number[], jsonMs: [] as number[] };
let cliOutput = { files: 0, bytes: 0 };
let inProcessOutput = { files: 0, bytes: 0 };
let tasksRendered = 0;
try {
  if (!json) console.log(`${WORKFLOWS} workflows × ${TASKS} tasks; 1 warm-up + ${RUNS} rounds …`);
  for (let round = 0; round <= RUNS; round++) {
    const timed = round > 0;
    const cli = cliExport("airflow");
    const moduleMs = moduleImportProcess();
    gc();
    const t0 = performance.now();
    const workflows = await freshWorkflows(round);
    const buildMs = performance.now() - t0;
    if (workflows.length !== WORKFLOWS) warnings.push(`the module exported ${workflows.length} workflows, not ${WORKFLOWS}`);
    const render = await renderAll(workflows);
    const files = render.dags.map((d) => ({ name: d.fileName, content: d.content }));
    const writeMs = await writeAll(files, "write");
    const jsonMs = await jsonFloor(workflows);
    if (round === RUNS) {
      cliOutput = folderSize(cli.out);
      inProcessOutput = { files: files.length, bytes: files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0) };
      tasksRendered = render.dags.reduce((sum, d) => sum + d.tasks.length, 0);
      const sample = files[0]!;
      if (readFileSync(path.join(cli.out, sample.name), "utf8") !== sample.content) warnings.push(`${sample.name}: the CLI wrote other bytes than renderAirflowDag in process`);
    }
    if (timed) {
      samples.cliMs.push(cli.ms);
      samples.moduleImportMs.push(moduleMs);
      samples.buildMs.push(buildMs);
      samples.renderMs.push(render.ms);
      samples.writeMs.push(writeMs);
      samples.jsonMs.push(jsonMs);
    }
    // Outputs are large (about 10 MB a round): keep only the last round's.
    for (const name of readdirSync(dir)) if (name.startsWith("out-") && round < RUNS) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
} finally {
  if (keep) (json ? process.stderr : process.stdout).write(`kept ${dir} (the package is pkg/, the module pkg/${MODULE})\n`);
  else rmSync(dir, { recursive: true, force: true });
}
if (tasksRendered !== WORKFLOWS * TASKS) warnings.push(`rendered ${tasksRendered} tasks, not ${WORKFLOWS * TASKS}`);
if (cliOutput.files !== WORKFLOWS) warnings.push(`the CLI wrote ${cliOutput.files} files, not ${WORKFLOWS}`);

const m = {
  cliMs: median(samples.cliMs),
  moduleImportMs: median(samples.moduleImportMs),
  buildMs: median(samples.buildMs),
  renderMs: median(samples.renderMs),
  writeMs: median(samples.writeMs),
  jsonMs: median(samples.jsonMs),
  renderWriteMs: median(samples.renderMs.map((r, i) => r + samples.writeMs[i]!)),
};
const results = {
  cli: {
    ms: m.cliMs,
    targetMet: m.cliMs < TARGET_MS,
    ratioToWriteFloor: m.cliMs / m.writeMs,
    ratioToJsonFloor: m.cliMs / m.jsonMs,
    /** Node's start + loading the module, in its own process. */
    moduleImportProcessMs: m.moduleImportMs,
    /** CLI − (Node + module) − in-process render + write: source analysis, validation, CLI, staging + rename. */
    restMs: m.cliMs - m.moduleImportMs - m.renderWriteMs,
    output: cliOutput,
  },
  inProcess: {
    buildMs: m.buildMs,
    renderMs: m.renderMs,
    renderUsPerTask: (m.renderMs * 1000) / (WORKFLOWS * TASKS),
    writeMs: m.writeMs,
    renderWriteMs: m.renderWriteMs,
    targetMet: m.renderWriteMs < TARGET_MS,
    ratioToWriteFloor: m.renderWriteMs / m.writeMs,
    ratioToJsonFloor: m.renderWriteMs / m.jsonMs,
    output: inProcessOutput,
  },
  floors: { writeMs: m.writeMs, jsonMs: m.jsonMs },
  samples,
};

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);

if (json) {
  console.log(
    JSON.stringify(
      { benchmark: "airflow-export", machine, settings: { workflows: WORKFLOWS, tasks: TASKS, runs: RUNS }, target: { ms: TARGET_MS }, results, warnings },
      null,
      2,
    ),
  );
} else {
  const f = (x: number) => x.toFixed(0);
  const rows = [
    ["what", "median ms", "vs write floor", "vs JSON floor", `< ${TARGET_MS / 1000} s`],
    ["(a) wf export --engine airflow (CLI, end to end)", f(m.cliMs), `${results.cli.ratioToWriteFloor.toFixed(1)}x`, `${results.cli.ratioToJsonFloor.toFixed(1)}x`, results.cli.targetMet ? "yes" : "NO"],
    ["    node + import workflows.mjs (own process)", f(m.moduleImportMs), "", "", ""],
    ["    rest: analysis, validation, CLI, staging (derived)", f(results.cli.restMs), "", "", ""],
    ["(b) renderAirflowDag × 1,000 + writeFile (in process)", f(m.renderWriteMs), `${results.inProcess.ratioToWriteFloor.toFixed(1)}x`, `${results.inProcess.ratioToJsonFloor.toFixed(1)}x`, results.inProcess.targetMet ? "yes" : "NO"],
    [`    renderAirflowDag × 1,000 (${results.inProcess.renderUsPerTask.toFixed(1)} µs/task)`, f(m.renderMs), "", "", ""],
    ["floor: writeFile × 1,000 rendered files", f(m.writeMs), "1.0x", "", ""],
    ["floor: JSON.stringify + writeFile × 1,000", f(m.jsonMs), "", "1.0x", ""],
    ["(building the workflows in process: import of a fresh module)", f(m.buildMs), "", "", ""],
  ];
  console.log(`Airflow export of ${WORKFLOWS} workflows × ${TASKS} tasks — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`median of ${RUNS} rounds after 1 warm-up; output ${cliOutput.files} files, ${(cliOutput.bytes / 1e6).toFixed(1)} MB`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  printTable(rows);
  const all = results.cli.targetMet && results.inProcess.targetMet;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(
    `\ntarget (export of ${WORKFLOWS} × ${TASKS} under ${TARGET_MS / 1000} s): ${all ? "met" : "NOT met"} — CLI end to end: ${met(results.cli.targetMet)}; in process: ${met(results.inProcess.targetMet)}`,
  );
  for (const w of warnings) console.log(`warning: ${w}`);
}
