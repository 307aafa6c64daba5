/**
 * Scheduling overhead of the local engine, per task.
 *
 *   npm run bench                 # builds dist/, then runs this file; prints a table
 *   npm run bench -- --json       # machine-readable results on stdout
 *   npm run bench -- --runs 9     # timed runs per shape (default 7, at least 5)
 *
 * Two shapes of no-op tasks, 10,000 tasks each (plus a root and a sink for the fan-out):
 *
 *   chain    T00000 -> T00001 -> ... -> T09999
 *   fan-out  Root -> (F00000 ... F09999) -> Sink
 *
 * Each is run with `runLocal` (real logger at level info writing nowhere, a temp WF_HOME, retry
 * delay 0, empty environment) and compared, in the same process, with the floor: a plain
 * `for (const fn of fns) await fn()` over as many async functions calling the same no-op.
 * overhead/task = (median engine time - median baseline time) / tasks.
 *
 * Separately: `validate()` + `topologicalOrder()` on a fresh workflow of each shape (so the
 * analysis — name checks, upstream resolution, settings parsing, cycle search, sort — is in).
 *
 * It is a benchmark, not a test: it reports whether the targets are met and never fails.
 * It imports "wfkit" and "wfkit/local" as a user would, i.e. the built dist/.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import { Workflow, type RunResult } from "wfkit";
import { createLogger, runResultToJson } from "wfkit/engine";
import { runLocal } from "wfkit/local";
import { countArg } from "./support/args.js";
import { forAwaitFloor, noopCalls, noopTaskClass } from "./support/noop-tasks.js";
import { machineInfo } from "./support/machine.js";

// ---------------------------------------------------------------------------------------------
// Settings

const TASKS = 10_000;
/** Tasks that may run at once (WF_CONCURRENCY's default). Irrelevant to the chain, used by the fan-out. */
const CONCURRENCY = 16;
/** Targets from the issue. */
const TARGET_OVERHEAD_US = 50;
const TARGET_VALIDATE_SORT_MS = 100;

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 7, 5);

// A forced GC before each timed section keeps one section's garbage out of the next one's time.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const pad = (i: number) => String(i).padStart(5, "0");

// Class creation is not part of any measured time.
const chainClasses = Array.from({ length: TASKS }, (_, i) => noopTaskClass(`T${pad(i)}`));
const fanRoot = noopTaskClass("Root");
const fanMiddle = Array.from({ length: TASKS }, (_, i) => noopTaskClass(`F${pad(i)}`));
const fanSink = noopTaskClass("Sink");

function newWorkflow(shape: string): Workflow {
  return new Workflow({ category: `bench-${shape}`, inputData: "nothing", outputData: "nothing", version: "1.0.0" });
}

/** A fresh (never analysed) workflow of the shape. */
function buildChain(): Workflow {
  const wf = newWorkflow("chain");
  chainClasses.forEach((task, i) => wf.addNode(task, i === 0 ? {} : { upstreams: chainClasses[i - 1]! }));
  return wf;
}
function buildFanOut(): Workflow {
  const wf = newWorkflow("fanout");
  wf.addNode(fanRoot);
  for (const task of fanMiddle) wf.addNode(task, { upstreams: fanRoot });
  wf.addNode(fanSink, { upstreams: fanMiddle });
  return wf;
}

interface Shape {
  name: string;
  description: string;
  tasks: number;
  build: () => Workflow;
}
const shapes: Shape[] = [
  { name: "chain", description: `chain of ${TASKS}`, tasks: TASKS, build: buildChain },
  { name: "fan-out", description: `1 -> ${TASKS} -> 1`, tasks: TASKS + 2, build: buildFanOut },
];

// ---------------------------------------------------------------------------------------------
// Measurements

const loadStart = loadavg()[0]!;
const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-"));
const logger = createLogger({ level: "info", format: "json", destination: () => {} });
const warnings: string[] = [];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The floor: a plain for-await loop over `n` async functions that call the same no-op. */
async function baseline(n: number): Promise<number> {
  const { ms, ran } = await forAwaitFloor(n, gc);
  if (ran !== n) warnings.push(`baseline ran ${ran} of ${n} functions`);
  return ms;
}

/** One runLocal on a fresh workflow (built outside the timer). */
async function engine(shape: Shape): Promise<{ ms: number; result: RunResult }> {
  const wf = shape.build();
  gc();
  noopCalls.count = 0;
  const t0 = performance.now();
  const result = await runLocal(wf, { logger, home, concurrency: CONCURRENCY, retryDelaySeconds: 0, env: {} });
  const ms = performance.now() - t0;
  if (result.status !== "success" || noopCalls.count !== shape.tasks || result.tasks.length !== shape.tasks) {
    warnings.push(`${shape.name}: run ${result.status}, ${noopCalls.count} of ${shape.tasks} tasks ran`);
  }
  return { ms, result };
}

/**
 * validate() + topologicalOrder() on a fresh workflow (built outside the timer); then, apart,
 * dagHash() on the now analysed workflow (runLocal computes it once per run).
 */
function validateSort(shape: Shape): { ms: number; dagHashMs: number } {
  const wf = shape.build();
  gc();
  const t0 = performance.now();
  const issues = wf.validate();
  const order = wf.topologicalOrder();
  const ms = performance.now() - t0;
  if (issues.length > 0 || order.length !== shape.tasks) warnings.push(`${shape.name}: ${issues.length} validation issues`);
  const t1 = performance.now();
  wf.dagHash();
  return { ms, dagHashMs: performance.now() - t1 };
}

/**
 * What writing result.json costs, measured apart on a finished run's result with the same code
 * as runLocal (serialise, write; median of 5).
 */
async function resultFileCost(result: RunResult): Promise<{ ms: number; bytes: number }> {
  const file = path.join(home, "result-cost.json");
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    gc();
    const t0 = performance.now();
    await writeFile(file, `${JSON.stringify(runResultToJson(result), null, 2)}\n`);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), bytes: statSync(file).size };
}

interface ShapeResult {
  shape: string;
  description: string;
  tasks: number;
  concurrency: number;
  runs: number;
  engineMs: number;
  baselineMs: number;
  overheadUsPerTask: number;
  ratio: number;
  validateSortMs: number;
  /** dagHash() on an analysed workflow: part of the engine time (prepareRun). */
  dagHashMs: number;
  /** Engine time minus analysis, dag hash and result.json, per task: the scheduler and task lifecycle alone (derived). */
  lifecycleUsPerTask: number;
  resultJsonBytes: number;
  resultJsonWriteMs: number;
  samples: { engineMs: number[]; baselineMs: number[]; validateSortMs: number[]; dagHashMs: number[] };
  targets: { overhead: boolean; validateSort: boolean };
}

async function measure(shape: Shape): Promise<ShapeResult> {
  // Warm-up: one untimed run of everything.
  await baseline(shape.tasks);
  const warm = await engine(shape);
  validateSort(shape);

  const engineMs: number[] = [];
  const baselineMs: number[] = [];
  const validateSortMs: number[] = [];
  const dagHashMs: number[] = [];
  let last = warm.result;
  for (let r = 0; r < RUNS; r++) {
    // Interleaved so that drift (thermal, other load) hits both sides alike.
    baselineMs.push(await baseline(shape.tasks));
    const run = await engine(shape);
    engineMs.push(run.ms);
    last = run.result;
    const vs = validateSort(shape);
    validateSortMs.push(vs.ms);
    dagHashMs.push(vs.dagHashMs);
  }
  const file = await resultFileCost(last);

  const e = median(engineMs);
  const b = median(baselineMs);
  const vs = median(validateSortMs);
  const hash = median(dagHashMs);
  const overhead = ((e - b) * 1000) / shape.tasks;
  return {
    shape: shape.name,
    description: shape.description,
    tasks: shape.tasks,
    concurrency: CONCURRENCY,
    runs: RUNS,
    engineMs: e,
    baselineMs: b,
    overheadUsPerTask: overhead,
    ratio: e / b,
    validateSortMs: vs,
    dagHashMs: hash,
    lifecycleUsPerTask: ((e - vs - hash - file.ms - b) * 1000) / shape.tasks,
    resultJsonBytes: file.bytes,
    resultJsonWriteMs: file.ms,
    samples: { engineMs, baselineMs, validateSortMs, dagHashMs },
    targets: { overhead: overhead < TARGET_OVERHEAD_US, validateSort: vs < TARGET_VALIDATE_SORT_MS },
  };
}

const results: ShapeResult[] = [];
try {
  for (const shape of shapes) results.push(await measure(shape));
} finally {
  const runDirs = readdirSync(path.join(home, "runs")).length;
  rmSync(home, { recursive: true, force: true });
  if (runDirs !== shapes.length * (RUNS + 1)) warnings.push(`expected ${shapes.length * (RUNS + 1)} run directories, found ${runDirs}`);
}

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "local-engine",
        machine,
        settings: { tasks: TASKS, concurrency: CONCURRENCY, runs: RUNS, logLevel: "info", retryDelaySeconds: 0 },
        targets: { overheadUsPerTask: TARGET_OVERHEAD_US, validateSortMs: TARGET_VALIDATE_SORT_MS },
        results,
        warnings,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x: number, digits = 1) => x.toFixed(digits);
  const yes = (ok: boolean) => (ok ? "yes" : "NO");
  const rows = [
    ["shape", "tasks", "conc.", "engine ms", "baseline ms", "overhead µs/task", "ratio", "validate+sort ms", "overhead < 50 µs", "v+s < 100 ms"],
    ...results.map((r) => [
      r.description,
      String(r.tasks),
      String(r.concurrency),
      f(r.engineMs),
      f(r.baselineMs, 2),
      f(r.overheadUsPerTask),
      `${f(r.ratio, 0)}x`,
      f(r.validateSortMs),
      yes(r.targets.overhead),
      yes(r.targets.validateSort),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  console.log(`wfkit local engine scheduling overhead — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`median of ${RUNS} timed runs per shape after 1 warm-up; logger level info (quiet); retry delay 0`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log("");
  console.log("engine   = runLocal() on a fresh workflow: option parsing, validation + sort + dag hash, run dir,");
  console.log("           every task's full lifecycle (context, tracker, 2 status events), result.json");
  console.log("baseline = for (const fn of fns) await fn(), same no-op, same number of calls");
  console.log("\nwhere the engine time goes (medians measured apart; the last column is the remainder):");
  const parts = [
    ["shape", "validate+sort ms", "dagHash ms", "result.json ms", "result.json MB", "scheduler + lifecycle µs/task"],
    ...results.map((r) => [
      r.shape,
      f(r.validateSortMs),
      f(r.dagHashMs),
      f(r.resultJsonWriteMs),
      (r.resultJsonBytes / 1e6).toFixed(1),
      f(r.lifecycleUsPerTask),
    ]),
  ];
  const pw = parts[0]!.map((_, c) => Math.max(...parts.map((row) => row[c]!.length)));
  for (const row of parts) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(pw[c]!) : cell.padStart(pw[c]!))).join("  "));
  const all = results.every((r) => r.targets.overhead && r.targets.validateSort);
  console.log(`\ntargets (overhead < ${TARGET_OVERHEAD_US} µs/task, validate+sort < ${TARGET_VALIDATE_SORT_MS} ms): ${all ? "all met" : "NOT all met"}`);
  for (const w of warnings) console.log(`warning: ${w}`);
}
