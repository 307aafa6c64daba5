/**
 * Cold start of a task on an Airflow worker: the wall time of the generated DAG's worker command
 * (bash, then `wf run-task` in one process) running one no-op task of a package that `wf install`
 * installed and compiled, against the wall time of a Node.js process that does nothing, in the
 * same run.
 *
 *   npm run build && tsx bench/worker-cold-start.ts              # prints tables
 *   npm run build && tsx bench/worker-cold-start.ts --json       # machine-readable results on stdout
 *   npm run build && tsx bench/worker-cold-start.ts --runs 31    # timed runs per command (default 21, at least 15)
 *
 * A temp folder holds a worker's install root as `wf install` leaves it, with symlinks standing
 * in for what npm would install: `<root>/bench-worker/1.0.0/node_modules/` holds the workflow
 * package `bench-worker/` (package.json, type module), `wfkit` (a symlink to a copy of this
 * repository's build: package.json, dist/, templates/, and node_modules a symlink to the
 * repository's; a copy so that a build that rewrites dist/ meanwhile, as every `npm test` does,
 * changes nothing), `zod` (a symlink to the repository's zod, which a package with params depends
 * on) and `.bin/wf` (a symlink to wfkit's dist/cli/bin.js, as npm links it). The package holds
 * `noop.ts` (one workflow of one task, `Noop`, whose run() does nothing), `js/noop.mjs` (the same
 * in plain JS: in a folder of its own, because both would compile to `noop.wfkit.mjs`),
 * `js/noop-params.mjs` (the same task in a workflow with a params schema, importing zod) and a
 * copy of examples/etl.ts with examples/data/ (its Extract reads data/orders.csv beside the
 * module through import.meta.url). The package is then compiled as `wf install` compiles it after
 * npm install (compileWorkflowModules of the copied build: each module to `<module>.wfkit.mjs`
 * beside it, wfkit and zod bundled into `.wfkit/chunks/`), so that `wf run-task` loads JavaScript
 * and compiles nothing.
 *
 *   worker command, compiled noop.ts   `bash -c WORKER_COMMAND` (wfkit/airflow's, the text every
 *   (installed)                        generated BashOperator runs) with WF_INSTALL_ROOT,
 *                                      WF_PACKAGE=bench-worker, WF_PACKAGE_VERSION=1.0.0,
 *                                      WF_MODULE=noop.ts, WF_TASK=Noop, WF_HOME a temp folder and
 *                                      WF_LOG_FORMAT=json (no other WF_* variable, no
 *                                      NODE_OPTIONS), from a temp working directory: what Airflow
 *                                      runs, supervision included (bash waits for `wf run-task`
 *                                      and would report a crash), but for the dag id/hash checks.
 *                                      Must exit 0.
 *   node -e "0"                        the floor (and the peer of the targets): starting Node.js
 *                                      at all.
 *
 * Targets (from the issue): the worker command of the compiled noop.ts ≤ 1.5x median
 * node -e "0", and so of noop.mjs ("TypeScript source or not"); the worker command of the etl
 * example's Extract ≤ 2x. Reported as extra information: the worker command of
 * noop-params.mjs; the compiled noop.ts run by `wf run-task` directly (without bash: what the
 * worker command adds is the difference); `wf run-task` of noop.ts and noop.mjs not compiled
 * (a copy of the package's sources elsewhere, with node_modules symlinks and no `.wfkit.mjs`:
 * what a task costs when installed with --no-compile or run from a checkout; noop.ts then loads
 * through tsx); the task alone (`runWorkerTask` in a `node -e` script, no CLI); and a breakdown,
 * each its own process: `node -e 'await import("zod")'` (zod from node_modules, as a user's
 * module loads it), `await import("wfkit")`, `await import("wfkit/airflow")`,
 * `await import("./noop.mjs")` (the source module: wfkit plus the module),
 * `await import("./noop.wfkit.mjs")` (the installed compiled module: the module, wfkit's worker
 * runtime and zod bundled), and `wf --version` (the CLI's own start). The import commands also
 * print, from inside the process, how long the import took (performance.now() around it: no
 * process start or exit in it) and when their first statement ran (Node's own start-up).
 *
 * Method: every command runs once per round, the order rotating from round to round so that
 * drift hits all alike; 2 untimed warm-up rounds (file cache), then `runs` rounds. Wall time from
 * spawn to exit (spawnSync, stdout/stderr piped), median and p90. The size of the install is
 * not measured here (symlinks stand in for wfkit and zod): measure it with a real `wf install`.
 *
 * It is a benchmark, not a test: it reports whether the targets are met and never fails. It runs
 * the built dist/ (build first), copied at its start.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countArg } from "./support/args.js";
import { countRunDirs } from "./support/run-dirs.js";
import { machineInfo } from "./support/machine.js";
import { compileInstalled, noopModule, type CompileWorkflowModules } from "./support/worker-install.js";

// ---------------------------------------------------------------------------------------------
// Settings

/** The issue's targets: the no-op task's worker command, and the etl example's Extract. */
const NOOP_TARGET_RATIO = 1.5;
const ETL_TARGET_RATIO = 2;
const WARMUP_ROUNDS = 2;

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 21, 15);

const loadStart = loadavg()[0]!;
const repo = fileURLToPath(new URL("..", import.meta.url));
const repoBin = path.join(repo, "dist", "cli", "bin.js");

function skip(reason: string): never {
  console.log(json ? JSON.stringify({ benchmark: "worker-cold-start", skipped: reason }, null, 2) : `worker-cold-start: skipped: ${reason}`);
  process.exit(0);
}
const dir = mkdtempSync(path.join(tmpdir(), "wfkit-bench-worker-"));

/**
 * The repository's build, to tell whether a build rewrote dist/ while it was being copied: a
 * build wipes dist/ first and makes bin.js executable last.
 */
function buildOf(): string {
  const stat = existsSync(repoBin) ? statSync(repoBin) : undefined;
  return stat === undefined || (stat.mode & 0o111) === 0 ? "missing" : `${stat.ino}:${stat.mtimeMs}:${stat.ctimeMs}`;
}
/**
 * wfkit as the worker gets it: a copy of the repository's built package (package.json, dist/,
 * templates/), its node_modules a symlink to the repository's. A copy, not the repository itself:
 * a build (every `npm test` runs one) wipes and rewrites dist/ for tens of seconds, which would
 * fail the commands it overlaps or mix two builds' figures. Copied again when a build changed
 * dist/ during the copy, or when there is no build (for a minute: a build may be under way);
 * undefined when no whole build could be copied.
 */
function snapshotWfkit(target: string): string | undefined {
  for (let attempt = 0; attempt < 12; attempt++) {
    const before = buildOf();
    rmSync(target, { recursive: true, force: true });
    try {
      if (before === "missing") throw new Error("no build");
      mkdirSync(target);
      for (const entry of ["package.json", "dist", "templates"]) cpSync(path.join(repo, entry), path.join(target, entry), { recursive: true });
      symlinkSync(path.join(repo, "node_modules"), path.join(target, "node_modules"), "dir");
      if (buildOf() === before) return before;
    } catch {
      // a build is wiping or writing dist/: wait for it
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
  }
  return undefined;
}
const wfkitDir = path.join(dir, "wfkit");
if (snapshotWfkit(wfkitDir) === undefined) {
  rmSync(dir, { recursive: true, force: true });
  skip(`found no whole build in ${path.join(repo, "dist")} for a minute (none, or a build kept rewriting it): run npm run build first`);
}
const bin = path.join(wfkitDir, "dist", "cli", "bin.js");

// The worker command's text, and what `wf install` runs after npm install
// (build-utils/install/compile-workflows.ts), from the copied build, the one `wf install` of this
// wfkit runs: by a path computed here, since benchmarks import wfkit as users do, never its
// source folders (.ci/dependency-cruiser.cjs), and build-utils is no export of the package.
const airflowFile = path.join(wfkitDir, "dist", "engines", "airflow", "index.js");
const { WORKER_COMMAND } = (await import(pathToFileURL(airflowFile).href)) as typeof import("wfkit/airflow");
const compileWorkflowsFile = path.join(wfkitDir, "dist", "build-utils", "install", "compile-workflows.js");
const { compileWorkflowModules } = (await import(pathToFileURL(compileWorkflowsFile).href)) as { compileWorkflowModules: CompileWorkflowModules };

// ---------------------------------------------------------------------------------------------
// The workflow package, its sources and its install

const PACKAGE = "bench-worker";
const VERSION = "1.0.0";

const home = path.join(dir, "wf-home");
/** The worker's working directory (Airflow runs each task in a temp folder). */
const workerCwd = path.join(dir, "worker-cwd");
/** The package's sources, not compiled, with wfkit and zod in node_modules (a checkout, or --no-compile). */
const source = path.join(dir, "source");
/** The install root, and the version's `node_modules` in it, as `wf install` leaves it. */
const installRoot = path.join(dir, "install-root");
const installed = path.join(installRoot, PACKAGE, VERSION, "node_modules");
const pkg = path.join(installed, PACKAGE);
mkdirSync(home);
mkdirSync(workerCwd);
mkdirSync(path.join(source, "js"), { recursive: true });

const packageJson = { name: PACKAGE, version: VERSION, type: "module", private: true, dependencies: { wfkit: "*", zod: "*" } };
writeFileSync(path.join(source, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
/** The package's modules, relative to it. */
const TS = "noop.ts";
const MJS = "js/noop.mjs";
const PARAMS = "js/noop-params.mjs";
const ETL = "etl.ts";
writeFileSync(path.join(source, TS), noopModule(": void"));
writeFileSync(path.join(source, MJS), noopModule(""));
writeFileSync(
  path.join(source, PARAMS),
  [
    'import { z } from "zod";',
    'import { TaskBase, Workflow } from "wfkit";',
    "",
    "export class Noop extends TaskBase {",
    "  run() {}",
    "}",
    "",
    "export const noop = new Workflow({",
    '  category: "bench",',
    '  inputData: "nothing",',
    '  outputData: "nothing",',
    '  version: "1.0.0",',
    '  params: z.object({ limit: z.number().int().default(10).describe("Rows"), day: z.string().optional() }),',
    "});",
    "noop.addNode(Noop);",
    "",
  ].join("\n"),
);
// The etl example imports node:fs/promises, node:path, node:url, zod and wfkit, and reads
// data/orders.csv beside itself.
cpSync(path.join(repo, "examples", "etl.ts"), path.join(source, ETL));
cpSync(path.join(repo, "examples", "data"), path.join(source, "data"), { recursive: true });

/** wfkit (the copy of this repository's build) and zod as npm would put them into `nodeModules`. */
function linkDependencies(nodeModules: string): void {
  mkdirSync(nodeModules, { recursive: true });
  symlinkSync(wfkitDir, path.join(nodeModules, "wfkit"), "dir");
  symlinkSync(path.join(repo, "node_modules", "zod"), path.join(nodeModules, "zod"), "dir");
}

// The install: the package beside its dependencies, `.bin/wf` from wfkit, then compiled in place.
cpSync(source, pkg, { recursive: true });
linkDependencies(installed);
mkdirSync(path.join(installed, ".bin"));
// npm links a bin relative to the package it comes from.
symlinkSync(path.join("..", "wfkit", "dist", "cli", "bin.js"), path.join(installed, ".bin", "wf"));
const warnings: string[] = [];
const compiled = await compileInstalled(compileWorkflowModules, pkg, warnings);
for (const module of [TS, MJS, PARAMS, ETL]) {
  if (!compiled.includes(module)) warnings.push(`${module} was not compiled: its rows measure the module's source, not an install's compiled form`);
}
linkDependencies(path.join(source, "node_modules"));

// ---------------------------------------------------------------------------------------------
// The commands

/** The environment of every command: no WF_* but WF_HOME and WF_LOG_FORMAT, no NODE_OPTIONS. */
const env: NodeJS.ProcessEnv = {};
for (const [key, value] of Object.entries(process.env)) {
  if (!key.startsWith("WF_") && key !== "NODE_OPTIONS") env[key] = value;
}
env["WF_HOME"] = home;
env["WF_LOG_FORMAT"] = "json";

interface Command {
  name: string;
  /** The executable: node (this one) unless given. */
  file?: string;
  args: string[];
  cwd: string;
  /** Variables added to `env`. */
  env?: Record<string, string>;
  /** Part of a target (the others are information). */
  role: "peer" | "subject" | "target" | "extra" | "breakdown";
  /** It runs a task, so it makes one run directory under WF_HOME. */
  makesRun?: boolean;
  /** It prints its in-process figures (see importing). */
  reportsImport?: boolean;
}

/** The generated DAG's worker command, as a BashOperator runs it, for one module and task of the installed package. */
const workerCommand = (module: string, task: string): Pick<Command, "file" | "args" | "cwd" | "env" | "makesRun"> => ({
  file: "bash",
  args: ["-c", WORKER_COMMAND],
  cwd: workerCwd,
  env: { WF_INSTALL_ROOT: installRoot, WF_PACKAGE: PACKAGE, WF_PACKAGE_VERSION: VERSION, WF_MODULE: module, WF_TASK: task },
  makesRun: true,
});
/**
 * `node -e 'await import(specifier)'`, which also prints (to stdout, as JSON) how long the import
 * took inside the process and when the first statement ran (performance.now(): ms since the
 * process started, i.e. Node's own start-up).
 */
const importing = (specifier: string): Pick<Command, "args" | "reportsImport"> => ({
  args: ["-e", `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify({ bootMs: t, importMs: performance.now() - t }));`],
  reportsImport: true,
});
/** A script that runs a module's `Noop` task as `wf run-task` does, in this one process, without the CLI. */
function taskAlone(module: string): string {
  return [
    'import { compileWorkerTaskRequest, runWorkerTask } from "wfkit/airflow";',
    'import { loadConfig } from "wfkit/engine";',
    'import path from "node:path";',
    'import { pathToFileURL } from "node:url";',
    "const config = loadConfig(process.env);",
    `const request = compileWorkerTaskRequest(${JSON.stringify(module)}, { task: "Noop" }, config, process.env, process.cwd());`,
    "const load = async (module, cwd) => (await import(pathToFileURL(path.resolve(cwd, module)).href)).noop;",
    "const code = await runWorkerTask(request, load, (text) => process.stderr.write(text));",
    'process.stdout.write("", () => process.exit(code));',
  ].join("\n");
}

const commands: Command[] = [
  { name: 'node -e "0"', args: ["-e", "0"], cwd: workerCwd, role: "peer" },
  { name: "worker command, compiled noop.ts (installed)", ...workerCommand(TS, "Noop"), role: "subject" },
  { name: "worker command, compiled noop.mjs (installed)", ...workerCommand(MJS, "Noop"), role: "target" },
  { name: "worker command, compiled etl.ts Extract (installed)", ...workerCommand(ETL, "Extract"), role: "target" },
  { name: "worker command, compiled noop-params.mjs (installed)", ...workerCommand(PARAMS, "Noop"), role: "extra" },
  // The same process as the worker command's, without bash around it.
  { name: "wf run-task noop.ts, compiled, without bash", args: [path.join(installed, ".bin", "wf"), "run-task", path.join(pkg, TS), "--task", "Noop"], cwd: workerCwd, role: "extra", makesRun: true },
  { name: "wf run-task noop.ts, not compiled (tsx)", args: [bin, "run-task", path.join(source, TS), "--task", "Noop"], cwd: source, role: "extra", makesRun: true },
  { name: "wf run-task noop.mjs, not compiled", args: [bin, "run-task", path.join(source, MJS), "--task", "Noop"], cwd: source, role: "extra", makesRun: true },
  // The task alone, without the CLI: the Airflow engine's worker run in one process.
  { name: "the task alone (runWorkerTask, one process)", args: ["--input-type=module", "-e", taskAlone(MJS)], cwd: source, role: "extra", makesRun: true },
  { name: `node -e 'await import("zod")'`, ...importing("zod"), cwd: source, role: "breakdown" },
  { name: `node -e 'await import("wfkit")'`, ...importing("wfkit"), cwd: source, role: "breakdown" },
  { name: `node -e 'await import("wfkit/airflow")'`, ...importing("wfkit/airflow"), cwd: source, role: "breakdown" },
  { name: `node -e 'await import("./noop.mjs")'`, ...importing(pathToFileURL(path.join(source, MJS)).href), cwd: source, role: "breakdown" },
  { name: `node -e 'await import("./noop.wfkit.mjs")' (installed)`, ...importing(pathToFileURL(path.join(pkg, "noop.wfkit.mjs")).href), cwd: workerCwd, role: "breakdown" },
  { name: "wf --version", args: [bin, "--version"], cwd: workerCwd, role: "breakdown" },
];

// ---------------------------------------------------------------------------------------------
// Measurements

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const p90 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
};

const samples = new Map<string, number[]>(commands.map((c) => [c.name, []]));
/** In-process figures of the import commands: Node's start-up until the first statement, the import itself. */
const inProcess = new Map<string, { bootMs: number[]; importMs: number[] }>(commands.map((c) => [c.name, { bootMs: [], importMs: [] }]));
const failed = new Set<string>();

function runOnce(command: Command, timed: boolean): void {
  const commandEnv = command.env === undefined ? env : { ...env, ...command.env };
  const t0 = performance.now();
  const r = spawnSync(command.file ?? process.execPath, command.args, { cwd: command.cwd, env: commandEnv, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !failed.has(command.name)) {
    failed.add(command.name);
    warnings.push(`${command.name} exited ${r.status ?? r.signal ?? r.error?.message}: ${`${r.stderr}${r.stdout}`.trim().slice(-800)}`);
  }
  if (!timed) return;
  samples.get(command.name)!.push(ms);
  if (command.reportsImport && r.status === 0) {
    const figures = JSON.parse(r.stdout) as { bootMs: number; importMs: number };
    inProcess.get(command.name)!.bootMs.push(figures.bootMs);
    inProcess.get(command.name)!.importMs.push(figures.importMs);
  }
}

try {
  if (!json) console.log(`running ${commands.length} commands × (${WARMUP_ROUNDS} warm-up + ${RUNS}) rounds …`);
  for (let round = 0; round < WARMUP_ROUNDS + RUNS; round++) {
    const k = round % commands.length;
    for (const command of [...commands.slice(k), ...commands.slice(0, k)]) runOnce(command, round >= WARMUP_ROUNDS);
  }
  // Each command that runs a task makes one run directory per round, warm-up rounds included.
  const runs = countRunDirs(home);
  const expected = commands.filter((c) => c.makesRun === true).length * (WARMUP_ROUNDS + RUNS);
  if (runs !== expected) warnings.push(`expected ${expected} run directories under WF_HOME, found ${runs}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

interface CommandResult {
  name: string;
  role: Command["role"];
  medianMs: number;
  p90Ms: number;
  minMs: number;
  /** Median minus the floor's median. */
  aboveFloorMs: number;
  /** Median / the floor's median. */
  ratio: number;
  /** Import commands: median ms of the import itself, inside the process; null for the others. */
  importInProcessMs: number | null;
  samplesMs: number[];
}

const floor = median(samples.get(commands[0]!.name)!);
const results: CommandResult[] = commands.map((c) => {
  const xs = samples.get(c.name)!;
  const m = median(xs);
  const imports = inProcess.get(c.name)!.importMs;
  return {
    name: c.name,
    role: c.role,
    medianMs: m,
    p90Ms: p90(xs),
    minMs: Math.min(...xs),
    aboveFloorMs: m - floor,
    ratio: m / floor,
    importInProcessMs: imports.length > 0 ? median(imports) : null,
    samplesMs: xs,
  };
});
/** Node's start-up until the first statement of -e code (median over every import command's runs). */
const nodeBootMs = median([...inProcess.values()].flatMap((v) => v.bootMs));

interface TargetResult {
  name: string;
  command: string;
  maxRatio: number;
  ratio: number;
  aboveFloorMs: number;
  /** Within the ratio, and the command exited 0 every time. */
  met: boolean;
}
const target = (name: string, command: string, maxRatio: number): TargetResult => {
  const r = results.find((x) => x.name === command)!;
  return { name, command, maxRatio, ratio: r.ratio, aboveFloorMs: r.aboveFloorMs, met: r.ratio <= maxRatio && !failed.has(command) };
};
const subject = results.find((r) => r.role === "subject")!;
const targets: TargetResult[] = [
  target("no-op task, TypeScript source", subject.name, NOOP_TARGET_RATIO),
  target("no-op task, JavaScript source", "worker command, compiled noop.mjs (installed)", NOOP_TARGET_RATIO),
  target("etl example's Extract", "worker command, compiled etl.ts Extract (installed)", ETL_TARGET_RATIO),
];

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "worker-cold-start",
        machine,
        settings: {
          runs: RUNS,
          warmupRounds: WARMUP_ROUNDS,
          env: { WF_HOME: "<temp>", WF_LOG_FORMAT: "json" },
          workerCommandEnv: { WF_INSTALL_ROOT: "<temp>", WF_PACKAGE: PACKAGE, WF_PACKAGE_VERSION: VERSION, WF_MODULE: "<module>", WF_TASK: "<task>" },
          compiledModules: compiled,
        },
        target: { noopRatio: NOOP_TARGET_RATIO, etlRatio: ETL_TARGET_RATIO },
        /** The subject's ratio, and whether every target is met. */
        ratio: subject.ratio,
        targetMet: targets.every((t) => t.met),
        targets,
        nodeBootMs,
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
    ["command", "median ms", "p90 ms", "min ms", "− node -e 0", "ratio", "import, in process ms"],
    ...results.map((r) => [
      r.role === "breakdown" ? `  ${r.name}` : r.name,
      f(r.medianMs),
      f(r.p90Ms),
      f(r.minMs),
      r.role === "peer" ? "" : `+${f(r.aboveFloorMs)}`,
      `${r.ratio.toFixed(2)}x`,
      r.importInProcessMs === null ? "" : f(r.importInProcessMs),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  console.log(`worker cold start (the DAG's worker command, wf run-task) vs node -e "0" — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`wall time from spawn to exit; median of ${RUNS} rounds after ${WARMUP_ROUNDS} warm-up rounds, command order rotating; WF_LOG_FORMAT=json`);
  console.log(`installed: ${PACKAGE}@${VERSION}, compiled by compileWorkflowModules as wf install does: ${compiled.length > 0 ? compiled.join(", ") : "nothing"}`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  rows.slice(1).forEach((row, i) => {
    if (results[i]!.role === "breakdown" && results[i - 1]?.role !== "breakdown") console.log("breakdown (each its own process):");
    console.log(line(row));
  });
  console.log(`\nNode's own start-up until the first statement of -e code (performance.now() there): ${f(nodeBootMs)} ms\n`);
  for (const t of targets) {
    console.log(`target: ${t.command} ≤ ${t.maxRatio}x node -e "0": ${t.met ? "met" : "NOT met"} (${t.ratio.toFixed(2)}x, +${f(t.aboveFloorMs)} ms)`);
  }
  for (const w of warnings) console.log(`warning: ${w}`);
}
