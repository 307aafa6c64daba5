/**
 * Scheduling overhead of the local engine, per task.
 *
 *   npm run bench                 # builds dist/, then runs this file; prints a table
 *   npm run bench -- --json       # machine-readable results on stdout
 *   npm run bench -- --runs 9     # timed runs per shape (default 7, at least 5)
 *   npm run bench -- --vs main    # A/B: this checkout (B) against the build of a git ref (A)
 *   npm run bench -- --cpu        # time by the process's CPU time instead of the wall clock
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
 * `--cpu` times every section by the process's CPU time (user + system, all its threads) instead
 * of the wall clock: on a machine busy with other work, time spent waiting for a core is then
 * left out, which makes figures far steadier (an A/B ratio especially); on an idle machine the
 * two agree but for the GC's helper threads, which CPU time counts.
 *
 * It is a benchmark, not a test: it reports whether the targets are met and never fails.
 * It imports "wfkit" and "wfkit/local" as a user would, i.e. the built dist/.
 *
 * A/B mode, `--vs <git ref>` (`--vs main`, `--vs HEAD~3`, a commit): the ref is checked out in a
 * temporary git worktree (detached) and built there (`npm run build`). Its node_modules is a
 * symlink to this checkout's when both package-lock.json files are byte for byte the same
 * (identical lockfiles install identical trees, and wfkit itself is not in node_modules), else
 * it gets its own `npm ci --ignore-scripts`. Each build is then loaded by absolute path through
 * its own package.json's `exports` (`.` and `./local`), so A runs A's dist and B this checkout's
 * dist, whatever their dist/ layout. `--vs <folder>` takes a checkout that is already built
 * (e.g. one kept with `--keep`, which leaves the worktree in place and says where).
 *
 * How the two builds are kept from distorting each other: each build runs in a child process of
 * its own (bench/support/local-engine-child.ts) for the whole benchmark, so it has its own heap,
 * garbage collector and JIT state, and warms up once. The parent asks one child at a time for one
 * round (floor, engine, validate + sort; exactly the single mode's round) and waits for the
 * answer, so the two never run at once; the order alternates from round to round (A B, B A, A B…)
 * so that drift in the machine's load hits both alike. Figures are computed as in the single
 * mode from each build's own samples, then set side by side with the ratio B/A. This checkout's
 * dist/ must be built (`npm run bench -- --vs main` does it).
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { countArg, stringArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import {
  CONCURRENCY,
  EngineBench,
  exportedFile,
  shapeResult,
  SHAPES,
  TARGET_LIFECYCLE_US,
  TARGET_VALIDATE_SORT_MS,
  TASKS,
  type ResultFileCost,
  type RoundSamples,
  type Clock,
  type ShapeResult,
  type WfkitBuild,
} from "./support/local-engine-measure.js";
import type { ChildReply, ChildRequest } from "./support/local-engine-child.js";

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 7, 5);
const vs = stringArg(argv, "--vs");
const keep = argv.includes("--keep");
const clock: Clock = argv.includes("--cpu") ? "cpu" : "wall";
const clockText = clock === "cpu" ? "timed by process CPU time (user + system)" : "timed by the wall clock";
const repo = fileURLToPath(new URL("..", import.meta.url));
const loadStart = loadavg()[0]!;
const settings = { tasks: TASKS, concurrency: CONCURRENCY, runs: RUNS, logLevel: "info", retryDelaySeconds: 0, clock };
const targets = { lifecycleUsPerTask: TARGET_LIFECYCLE_US, validateSortMs: TARGET_VALIDATE_SORT_MS };

// ---------------------------------------------------------------------------------------------
// Report

const f = (x: number, digits = 1) => x.toFixed(digits);

function printTables(results: readonly ShapeResult[]): void {
  const yes = (ok: boolean) => (ok ? "yes" : "NO");
  const rows = [
    ["shape", "tasks", "conc.", "engine ms", "baseline ms", "overhead µs/task", "ratio", "validate+sort ms", `s+l ≤ ${TARGET_LIFECYCLE_US} µs`, `v+s < ${TARGET_VALIDATE_SORT_MS} ms`],
    ...results.map((r) => [
      r.description,
      String(r.tasks),
      String(r.concurrency),
      f(r.engineMs),
      f(r.baselineMs, 2),
      f(r.overheadUsPerTask),
      `${f(r.ratio, 0)}x`,
      f(r.validateSortMs),
      yes(r.targets.lifecycle),
      yes(r.targets.validateSort),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
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
    ...results.map((r) => [r.shape, f(r.validateSortMs), f(r.dagHashMs), f(r.resultJsonWriteMs), (r.resultJsonBytes / 1e6).toFixed(1), f(r.lifecycleUsPerTask)]),
  ];
  const pw = parts[0]!.map((_, c) => Math.max(...parts.map((row) => row[c]!.length)));
  for (const row of parts) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(pw[c]!) : cell.padStart(pw[c]!))).join("  "));
  const all = results.every((r) => r.targets.lifecycle && r.targets.validateSort);
  console.log(`\ntargets (scheduler + lifecycle ≤ ${TARGET_LIFECYCLE_US} µs/task, validate+sort < ${TARGET_VALIDATE_SORT_MS} ms): ${all ? "all met" : "NOT all met"}`);
}

/** The figures an A/B run sets side by side. */
const FIGURES: { key: keyof ShapeResult; label: string; digits: number }[] = [
  { key: "lifecycleUsPerTask", label: "scheduler+lifecycle µs/task", digits: 1 },
  { key: "overheadUsPerTask", label: "overhead µs/task", digits: 1 },
  { key: "engineMs", label: "engine ms", digits: 1 },
  { key: "validateSortMs", label: "validate+sort ms", digits: 1 },
  { key: "dagHashMs", label: "dagHash ms", digits: 2 },
  { key: "resultJsonWriteMs", label: "result.json ms", digits: 1 },
  { key: "baselineMs", label: "baseline (floor) ms", digits: 2 },
];

interface Comparison {
  shape: string;
  figure: string;
  a: number;
  b: number;
  /** b / a */
  ratio: number;
}

function compare(a: readonly ShapeResult[], b: readonly ShapeResult[]): Comparison[] {
  return a.flatMap((ra) => {
    const rb = b.find((r) => r.shape === ra.shape)!;
    return FIGURES.map(({ key, label }) => {
      const va = ra[key] as number;
      const vb = rb[key] as number;
      return { shape: ra.shape, figure: label, a: va, b: vb, ratio: vb / va };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Single mode: this checkout, in this process

async function single(): Promise<void> {
  const core = { ...(await import("wfkit")), ...(await import("wfkit/engine")) };
  const { runLocal } = await import("wfkit/local");
  const bench = new EngineBench({ ...core, runLocal } as unknown as WfkitBuild, clock);
  const results: ShapeResult[] = [];
  let warnings: string[] = [];
  try {
    for (const shape of bench.shapes) {
      await bench.warmUp(shape);
      const rounds: RoundSamples[] = [];
      for (let r = 0; r < RUNS; r++) rounds.push(await bench.round(shape));
      results.push(shapeResult(shape, rounds, await bench.resultFileCost(shape)));
    }
  } finally {
    warnings = bench.close();
  }
  const machine = machineInfo(loadStart);
  if (json) {
    console.log(JSON.stringify({ benchmark: "local-engine", machine, settings, targets, results, warnings }, null, 2));
    return;
  }
  console.log(`wfkit local engine scheduling overhead — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`median of ${RUNS} timed runs per shape after 1 warm-up, ${clockText}; logger level info (quiet); retry delay 0`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  printTables(results);
  for (const w of warnings) console.log(`warning: ${w}`);
}

// ---------------------------------------------------------------------------------------------
// A/B mode

const git = (args: string[], cwd = repo) => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.trim();
};

/** Run a command for the build, its output on stderr (stdout may be carrying JSON). */
function step(command: string, args: string[], cwd: string): void {
  if (!json) console.error(`$ (cd ${cwd} && ${command} ${args.join(" ")})`);
  const r = spawnSync(command, args, { cwd, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} in ${cwd} exited ${r.status ?? r.signal}`);
}

/** A build to measure: a folder with its package.json and its dist/ built. */
interface Build {
  label: string;
  dir: string;
  commit: string | undefined;
  /** How its node_modules came to be, when this benchmark built it. */
  nodeModules?: "symlink to this checkout's (same package-lock.json)" | "npm ci";
  /** Undo what this benchmark created for it. */
  cleanup(): void;
}

/** The newest modification time of the .ts files under `dirs` (recursively). */
function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return newest;
}

/** This checkout, as built in its dist/. */
function thisBuild(warnings: string[]): Build {
  const entry = exportedFile(repo, ".");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first (npm run bench -- --vs <ref> does)`);
  if (newestSource(["src", "engines"].map((d) => path.join(repo, d))) > statSync(entry).mtimeMs) {
    warnings.push("this checkout's sources are newer than its dist/: B may not be what you think (npm run build)");
  }
  const dirty = git(["status", "--porcelain", "--", "src", "engines", "package.json", "package-lock.json"]) !== "";
  const commit = git(["rev-parse", "HEAD"]);
  return { label: `this checkout (${commit.slice(0, 9)}${dirty ? " + uncommitted changes" : ""})`, dir: repo, commit, cleanup() {} };
}

/** The build to compare with: a built folder as it is, or a git ref built in a temporary worktree. */
function otherBuild(spec: string): Build {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const dir = path.resolve(spec);
    if (!existsSync(exportedFile(dir, "."))) throw new Error(`${dir} has no built dist/ (run npm run build there)`);
    let commit: string | undefined;
    try {
      commit = git(["rev-parse", "HEAD"], dir);
    } catch {
      commit = undefined;
    }
    return { label: `${dir}${commit ? ` (${commit.slice(0, 9)})` : ""}`, dir, commit, cleanup() {} };
  }
  const commit = git(["rev-parse", "--verify", "--end-of-options", `${spec}^{commit}`]);
  const tmp = mkdtempSync(path.join(tmpdir(), "wfkit-bench-vs-"));
  const dir = path.join(tmp, "wfkit");
  const modules = path.join(dir, "node_modules");
  let added = false;
  const cleanup = () => {
    if (keep) return;
    // The symlink first, by itself: nothing below may reach into this checkout's node_modules.
    try {
      unlinkSync(modules);
    } catch {
      // not a symlink (npm ci) or not there
    }
    if (added) {
      try {
        git(["worktree", "remove", "--force", dir]);
      } catch {
        // removed below; `git worktree prune` forgets it
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    if (added) spawnSync("git", ["worktree", "prune"], { cwd: repo });
  };
  try {
    step("git", ["worktree", "add", "--quiet", "--detach", dir, commit], repo);
    added = true;
    const theirs = spawnSync("git", ["show", `${commit}:package-lock.json`], { cwd: repo, maxBuffer: 1 << 30 });
    const ours = readFileSync(path.join(repo, "package-lock.json"));
    const same = theirs.status === 0 && Buffer.compare(theirs.stdout, ours) === 0 && existsSync(path.join(repo, "node_modules"));
    if (same) symlinkSync(path.join(repo, "node_modules"), modules, "dir");
    else step("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], dir);
    step("npm", ["run", "--silent", "build"], dir);
    return {
      label: `${spec} (${commit.slice(0, 9)})`,
      dir,
      commit,
      nodeModules: same ? "symlink to this checkout's (same package-lock.json)" : "npm ci",
      cleanup,
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** One build's child process, asked one thing at a time. */
class BuildProcess {
  private readonly child: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly ready: Promise<unknown>;

  constructor(readonly build: Build) {
    const script = fileURLToPath(new URL("./support/local-engine-child.ts", import.meta.url));
    // tsx loads the child's TypeScript; the build's own dist/ is plain JavaScript. Its output
    // goes to stderr, so that stdout stays the report's.
    this.child = fork(script, [build.dir, clock], { cwd: repo, execArgv: ["--import", "tsx"], stdio: ["ignore", 2, 2, "ipc"] });
    this.ready = new Promise((resolve, reject) => this.waiting.set(0, { resolve, reject }));
    this.child.on("message", (reply: ChildReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`${build.label}: ${reply.error}`));
    });
    this.child.on("exit", (code, signal) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${build.label}: child exited ${code ?? signal}`));
      this.waiting.clear();
    });
  }

  call<T>(op: ChildRequest["op"], shape = ""): Promise<T> {
    const id = this.next++;
    const request = (op === "close" ? { id, op } : { id, op, shape }) as ChildRequest;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(request);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }
}

async function ab(spec: string): Promise<void> {
  const warnings: string[] = [];
  const b = thisBuild(warnings);
  const a = otherBuild(spec);
  const procs: BuildProcess[] = [];
  const onSignal = () => {
    for (const p of procs) p.kill();
    a.cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const results = { a: [] as ShapeResult[], b: [] as ShapeResult[] };
  try {
    const pa = new BuildProcess(a);
    const pb = new BuildProcess(b);
    procs.push(pa, pb);
    await pa.ready;
    await pb.ready;
    for (const shape of SHAPES) {
      await pa.call("warmUp", shape.name);
      await pb.call("warmUp", shape.name);
      const rounds = { a: [] as RoundSamples[], b: [] as RoundSamples[] };
      for (let r = 0; r < RUNS; r++) {
        const order = r % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const);
        for (const side of order) rounds[side].push(await (side === "a" ? pa : pb).call<RoundSamples>("round", shape.name));
      }
      const fileA = await pa.call<ResultFileCost>("resultFileCost", shape.name);
      const fileB = await pb.call<ResultFileCost>("resultFileCost", shape.name);
      results.a.push(shapeResult(shape, rounds.a, fileA));
      results.b.push(shapeResult(shape, rounds.b, fileB));
    }
    for (const [side, p] of [["A", pa], ["B", pb]] as const) {
      for (const w of await p.call<string[]>("close")) warnings.push(`${side}: ${w}`);
    }
  } finally {
    for (const p of procs) p.kill();
    a.cleanup();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const machine = machineInfo(loadStart);
  const comparisons = compare(results.a, results.b);
  const describe = (build: Build) => ({ label: build.label, commit: build.commit, dir: build.dir, ...(build.nodeModules ? { nodeModules: build.nodeModules } : {}) });
  if (json) {
    console.log(
      JSON.stringify(
        { benchmark: "local-engine", mode: "ab", machine, settings, targets, builds: { a: describe(a), b: describe(b) }, results, comparisons, warnings },
        null,
        2,
      ),
    );
  } else {
    console.log(`wfkit local engine scheduling overhead, A/B — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
    console.log(`A = ${a.label}${a.nodeModules ? `, node_modules: ${a.nodeModules}` : ""}`);
    console.log(`B = ${b.label}`);
    console.log(`each build in a child process of its own; median of ${RUNS} timed rounds per shape and build after 1 warm-up, ${clockText};`);
    console.log("one build at a time, alternating A B / B A from round to round; logger level info (quiet); retry delay 0");
    console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
    console.log(`── A: ${a.label}\n`);
    printTables(results.a);
    console.log(`\n── B: ${b.label}\n`);
    printTables(results.b);
    console.log("\n── B vs A (ratio B/A; below 1 is B faster):");
    for (const shape of results.a.map((r) => r.shape)) {
      console.log(`\n${shape}`);
      const rows = comparisons.filter((c) => c.shape === shape);
      const width = Math.max(...rows.map((c) => c.figure.length));
      for (const c of rows) {
        const digits = FIGURES.find((x) => x.label === c.figure)!.digits;
        console.log(`  ${`${c.figure}:`.padEnd(width + 1)} ${f(c.b, digits)} vs ${f(c.a, digits)} (${f(c.ratio, 2)}×)`);
      }
    }
    if (keep && a.nodeModules !== undefined) console.log(`\nkept the build of ${spec} in ${a.dir}: reuse it with --vs ${a.dir}; remove it with git worktree remove --force ${a.dir}`);
    for (const w of warnings) console.log(`warning: ${w}`);
  }
}

if (argv.includes("--vs") && (vs === undefined || vs.startsWith("--"))) {
  console.error("--vs needs a git ref (main, HEAD~2, a commit) or the folder of a built checkout");
  process.exit(2);
}
if (vs === undefined) await single();
else await ab(vs);
