/**
 * The measurements of bench/local-engine.ts, for one build of wfkit: the workflows, one timed
 * round (floor, engine, validate + sort, dag hash), the result.json cost and the figures derived
 * from the samples. The build comes in as an argument (its `wfkit` and `wfkit/local` modules), so
 * the same code measures this checkout in-process and, in a child process of its own, another
 * build (`--vs`). Nothing here imports wfkit.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { countRunDirs } from "./run-dirs.js";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { forAwaitFloor, noopCalls, noopTaskClassOf, type TaskBaseLike } from "./noop.js";
import { median } from "./stats.js";

/** Tasks per workflow. */
export const TASKS = 10_000;
/** Tasks that may run at once (WF_CONCURRENCY's default). Irrelevant to the chain, used by the fan-out. */
export const CONCURRENCY = 16;

/** What the benchmark uses of a workflow, in any build. */
export interface BenchWorkflow {
  addNode(task: unknown, options?: { upstreams?: unknown }): unknown;
  validate(): unknown[];
  topologicalOrder(): unknown[];
  dagHash(): string;
}

/** What the benchmark uses of a run's result, in any build. */
export interface BenchRunResult {
  status: string;
  tasks: unknown[];
}

/** What the benchmark uses of one build of wfkit: from `wfkit` and `wfkit/local`. */
export interface WfkitBuild {
  Workflow: new (options: { category: string; inputData: string; outputData: string; version: string }) => BenchWorkflow;
  TaskBase: TaskBaseLike;
  createLogger(options: Record<string, unknown>): unknown;
  /** Missing in the earliest builds: result.json is then timed on the result as it is. */
  runResultToJson?: (result: BenchRunResult) => unknown;
  runLocal(workflow: BenchWorkflow, options: Record<string, unknown>): Promise<BenchRunResult>;
}

/** The entry file of `subpath` (".", "./engine" or "./local") by the package.json `exports` of the package in `dir`. */
export function exportedFile(dir: string, subpath: "." | "./engine" | "./local"): string {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { exports?: Record<string, unknown> };
  let target: unknown = pkg.exports?.[subpath];
  // A conditional export: take the branch an ESM import in Node takes.
  while (typeof target === "object" && target !== null) {
    const t = target as Record<string, unknown>;
    target = t["import"] ?? t["node"] ?? t["default"];
  }
  if (typeof target !== "string") throw new Error(`${dir}/package.json exports no "${subpath}"`);
  return path.resolve(dir, target);
}

/**
 * Import the build of wfkit in `dir` (a checkout with its dist/ built) by absolute path, through
 * its own package.json's exports: whatever dist/ layout that build has, and never this
 * checkout's package (which `import "wfkit"` would give here).
 */
export async function loadBuild(dir: string): Promise<WfkitBuild> {
  const authoring = (await import(pathToFileURL(exportedFile(dir, ".")).href)) as Record<string, unknown>;
  // Builds with the curated surfaces keep createLogger and runResultToJson in "wfkit/engine";
  // earlier builds have everything in "wfkit".
  const hasEngine = (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { exports?: Record<string, unknown> }).exports?.["./engine"] !== undefined;
  const engine = hasEngine ? ((await import(pathToFileURL(exportedFile(dir, "./engine")).href)) as Record<string, unknown>) : {};
  const core = { ...authoring, ...engine };
  const local = (await import(pathToFileURL(exportedFile(dir, "./local")).href)) as Record<string, unknown>;
  for (const [name, value] of [
    ["Workflow", core["Workflow"]],
    ["TaskBase", core["TaskBase"]],
    ["createLogger", core["createLogger"]],
    ["runLocal", local["runLocal"]],
  ] as const) {
    if (typeof value !== "function") throw new Error(`the build in ${dir} has no ${name}`);
  }
  return { ...core, runLocal: local["runLocal"] } as unknown as WfkitBuild;
}

/** One workflow shape. */
export interface Shape {
  name: string;
  description: string;
  tasks: number;
  build: () => BenchWorkflow;
}

/** The samples of one timed round of one shape. */
export interface RoundSamples {
  baselineMs: number;
  engineMs: number;
  validateSortMs: number;
  dagHashMs: number;
}

/** What writing result.json costs (see {@link EngineBench.resultFileCost}). */
export interface ResultFileCost {
  ms: number;
  bytes: number;
}

/** The figures of one shape, derived from its rounds. */
export interface ShapeResult {
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
  targets: { lifecycle: boolean; validateSort: boolean };
}

/** Targets from the issue: scheduler + lifecycle per task (at most), validate + sort (under). */
export const TARGET_LIFECYCLE_US = 15;
export const TARGET_VALIDATE_SORT_MS = 60;

const pad = (i: number) => String(i).padStart(5, "0");

/**
 * What times a section: `wall`, the wall clock (performance.now()); or `cpu`, this process's CPU
 * time (user + system, every thread: the GC's helpers and libuv's pool too), which other load
 * on the machine disturbs far less than the wall clock, since time spent waiting for a core is
 * not in it.
 */
export type Clock = "wall" | "cpu";

/** Milliseconds by `clock`, from an arbitrary origin. */
export function clockOf(clock: Clock): () => number {
  if (clock === "wall") return () => performance.now();
  return () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  };
}

/** The shapes' names and sizes. */
export const SHAPES = [
  { name: "chain", description: `chain of ${TASKS}`, tasks: TASKS },
  { name: "fan-out", description: `1 -> ${TASKS} -> 1`, tasks: TASKS + 2 },
] as const;

/** A logger of `wfkit`'s build that writes nothing (builds from before structured logging take `write`). */
export function quietLogger(wfkit: WfkitBuild): unknown {
  try {
    return wfkit.createLogger({ level: "info", format: "json", destination: () => {} });
  } catch {
    return wfkit.createLogger({ level: "info", format: "json", color: false, write: () => {} });
  }
}

/**
 * Builders of the two shapes of `tasks` no-op tasks for `wfkit`'s build: the task classes are
 * made here, once (outside every timer); each call builds a fresh workflow of them.
 */
export function shapeBuilders(wfkit: WfkitBuild, tasks: number): Record<"chain" | "fan-out", () => BenchWorkflow> {
  const task = (name: string) => noopTaskClassOf(wfkit.TaskBase, name);
  const chainClasses = Array.from({ length: tasks }, (_, i) => task(`T${pad(i)}`));
  const fanRoot = task("Root");
  const fanMiddle = Array.from({ length: tasks }, (_, i) => task(`F${pad(i)}`));
  const fanSink = task("Sink");
  const newWorkflow = (shape: string) => new wfkit.Workflow({ category: `bench-${shape}`, inputData: "nothing", outputData: "nothing", version: "1.0.0" });
  return {
    chain: () => {
      const wf = newWorkflow("chain");
      chainClasses.forEach((t, i) => wf.addNode(t, i === 0 ? {} : { upstreams: chainClasses[i - 1]! }));
      return wf;
    },
    "fan-out": () => {
      const wf = newWorkflow("fanout");
      wf.addNode(fanRoot);
      for (const t of fanMiddle) wf.addNode(t, { upstreams: fanRoot });
      wf.addNode(fanSink, { upstreams: fanMiddle });
      return wf;
    },
  };
}

/**
 * The benchmark's state for one build in this process: the task classes (made once, outside
 * every timer), a temp WF_HOME and a quiet logger.
 */
export class EngineBench {
  readonly shapes: Shape[];
  readonly warnings: string[] = [];
  private readonly home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-"));
  private readonly logger: unknown;
  private readonly gc: () => void;
  private readonly last = new Map<string, BenchRunResult>();
  private runs = 0;
  private readonly now: () => number;

  /**
   * `runOptions` are added to every `runLocal` call (e.g. `{ runLog: { store: "off" } }` for the
   * run-log benchmark's floor).
   */
  constructor(
    private readonly wfkit: WfkitBuild,
    clock: Clock = "wall",
    private readonly runOptions: Record<string, unknown> = {},
  ) {
    this.now = clockOf(clock);
    // A forced GC before each timed section keeps one section's garbage out of the next one's time.
    v8.setFlagsFromString("--expose-gc");
    this.gc = vm.runInNewContext("gc") as () => void;
    this.logger = quietLogger(wfkit);
    const build = shapeBuilders(wfkit, TASKS);
    this.shapes = [
      { ...SHAPES[0], build: build.chain },
      { ...SHAPES[1], build: build["fan-out"] },
    ];
  }

  shape(name: string): Shape {
    const shape = this.shapes.find((s) => s.name === name);
    if (shape === undefined) throw new Error(`no shape ${name}`);
    return shape;
  }

  /** The floor: a plain for-await loop over `n` async functions that call the same no-op. */
  async baseline(n: number): Promise<number> {
    const { ms, ran } = await forAwaitFloor(n, this.gc, this.now);
    if (ran !== n) this.warnings.push(`baseline ran ${ran} of ${n} functions`);
    return ms;
  }

  /** One runLocal on a fresh workflow (built outside the timer). */
  async engine(shape: Shape): Promise<number> {
    const wf = shape.build();
    this.gc();
    noopCalls.count = 0;
    const t0 = this.now();
    const result = await this.wfkit.runLocal(wf, { logger: this.logger, home: this.home, concurrency: CONCURRENCY, retryDelaySeconds: 0, env: {}, ...this.runOptions });
    const ms = this.now() - t0;
    this.runs++;
    if (result.status !== "success" || noopCalls.count !== shape.tasks || result.tasks.length !== shape.tasks) {
      this.warnings.push(`${shape.name}: run ${result.status}, ${noopCalls.count} of ${shape.tasks} tasks ran`);
    }
    this.last.set(shape.name, result);
    return ms;
  }

  /**
   * validate() + topologicalOrder() on a fresh workflow (built outside the timer); then, apart,
   * dagHash() on the now analysed workflow (runLocal computes it once per run).
   */
  validateSort(shape: Shape): { ms: number; dagHashMs: number } {
    const wf = shape.build();
    this.gc();
    const t0 = this.now();
    const issues = wf.validate();
    const order = wf.topologicalOrder();
    const ms = this.now() - t0;
    if (issues.length > 0 || order.length !== shape.tasks) this.warnings.push(`${shape.name}: ${issues.length} validation issues`);
    const t1 = this.now();
    wf.dagHash();
    return { ms, dagHashMs: this.now() - t1 };
  }

  /** One untimed run of everything. */
  async warmUp(shape: Shape): Promise<void> {
    await this.baseline(shape.tasks);
    await this.engine(shape);
    this.validateSort(shape);
  }

  /** One timed round: floor, engine, validate + sort (interleaved so that drift hits all alike). */
  async round(shape: Shape): Promise<RoundSamples> {
    const baselineMs = await this.baseline(shape.tasks);
    const engineMs = await this.engine(shape);
    const vs = this.validateSort(shape);
    return { baselineMs, engineMs, validateSortMs: vs.ms, dagHashMs: vs.dagHashMs };
  }

  /**
   * What writing result.json costs, measured apart on the shape's last run's result with the
   * same code as runLocal (serialise, write; median of 5).
   */
  async resultFileCost(shape: Shape): Promise<ResultFileCost> {
    const result = this.last.get(shape.name);
    if (result === undefined) throw new Error(`no run of ${shape.name} yet`);
    const toJson = this.wfkit.runResultToJson ?? ((r: BenchRunResult) => r);
    if (this.wfkit.runResultToJson === undefined) this.warnings.push("this build has no runResultToJson: result.json timed on the result as it is");
    const file = path.join(this.home, "result-cost.json");
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      this.gc();
      const t0 = this.now();
      await writeFile(file, `${JSON.stringify(toJson(result), null, 2)}\n`);
      times.push(this.now() - t0);
    }
    return { ms: median(times), bytes: statSync(file).size };
  }

  /** Remove the temp WF_HOME, checking that every run made its run directory. Returns the warnings. */
  close(): string[] {
    const runDirs = countRunDirs(this.home);
    rmSync(this.home, { recursive: true, force: true });
    if (runDirs !== this.runs) this.warnings.push(`expected ${this.runs} run directories, found ${runDirs}`);
    return this.warnings;
  }
}

/** The figures of one shape from its rounds' samples and the result.json cost. */
export function shapeResult(shape: Pick<Shape, "name" | "description" | "tasks">, rounds: readonly RoundSamples[], file: ResultFileCost): ShapeResult {
  const engineMs = rounds.map((r) => r.engineMs);
  const baselineMs = rounds.map((r) => r.baselineMs);
  const validateSortMs = rounds.map((r) => r.validateSortMs);
  const dagHashMs = rounds.map((r) => r.dagHashMs);
  const e = median(engineMs);
  const b = median(baselineMs);
  const vs = median(validateSortMs);
  const hash = median(dagHashMs);
  const overhead = ((e - b) * 1000) / shape.tasks;
  const lifecycle = ((e - vs - hash - file.ms - b) * 1000) / shape.tasks;
  return {
    shape: shape.name,
    description: shape.description,
    tasks: shape.tasks,
    concurrency: CONCURRENCY,
    runs: rounds.length,
    engineMs: e,
    baselineMs: b,
    overheadUsPerTask: overhead,
    ratio: e / b,
    validateSortMs: vs,
    dagHashMs: hash,
    lifecycleUsPerTask: lifecycle,
    resultJsonBytes: file.bytes,
    resultJsonWriteMs: file.ms,
    samples: { engineMs, baselineMs, validateSortMs, dagHashMs },
    targets: { lifecycle: lifecycle <= TARGET_LIFECYCLE_US, validateSort: vs < TARGET_VALIDATE_SORT_MS },
  };
}
