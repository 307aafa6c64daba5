/**
 * Cold start of `wf run-task` on an Airflow worker: the wall time of one process that runs one
 * no-op task, against the wall time of a Node.js process that does nothing, in the same run.
 *
 *   npm run build && tsx bench/worker-cold-start.ts              # prints tables
 *   npm run build && tsx bench/worker-cold-start.ts --json       # machine-readable results on stdout
 *   npm run build && tsx bench/worker-cold-start.ts --runs 31    # timed runs per command (default 21, at least 15)
 *
 * A temp folder holds a workflow package as a worker has it: package.json (type module),
 * `node_modules/wfkit` a symlink to this repository (so `import { TaskBase, Workflow } from
 * "wfkit"` resolves to the built package exactly as an installed one does), `noop.mjs` (plain
 * JS: one workflow of one task, `Noop`, whose run() does nothing) and `noop.ts` (the same in
 * TypeScript, which `wf` loads through tsx).
 *
 *   wf run-task noop.mjs   node <repo>/dist/cli/bin.js run-task noop.mjs --task Noop, with
 *                          WF_HOME a temp folder and WF_LOG_FORMAT=json (and no other WF_*
 *                          variable, no NODE_OPTIONS): what a DAG's BashOperator runs, but for
 *                          the dag id/hash checks. Must exit 0.
 *   node -e "0"            the floor (and the peer of the target): starting Node.js at all.
 *
 * Target: median wf run-task noop.mjs ≤ 2x median node -e "0". Reported as extra information:
 * the same for noop.ts and for noop-params.mjs (the same task in a workflow with params, whose
 * module imports zod, as every workflow with params does: `node_modules/zod` is a symlink to the
 * repository's zod), and a breakdown of the start-up, each its own process:
 * `node -e 'await import("zod")'` (zod from node_modules, as a user's module loads it; wfkit
 * bundles its own), `await import("wfkit")` (dist/src/index.js), `await import("wfkit/airflow")`,
 * `await import("<tmp>/noop.mjs")` (wfkit plus the module), and `wf --version` (the CLI's own
 * start). The import commands also print, from inside the process, how long the import took
 * (performance.now() around it: no process start or exit in it) and when their first statement
 * ran (Node's own start-up).
 *
 * Method: every command runs once per round, the order rotating from round to round so that
 * drift hits all alike; 2 untimed warm-up rounds (file cache), then `runs` rounds. Wall time from
 * spawn to exit (spawnSync, stdout/stderr piped), median and p90.
 *
 * It is a benchmark, not a test: it reports whether the target is met and never fails. It runs
 * the built dist/ (build first).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countArg } from "./support/args.js";
import { countRunDirs } from "./support/run-dirs.js";
import { machineInfo } from "./support/machine.js";

// ---------------------------------------------------------------------------------------------
// Settings

const TARGET_RATIO = 2;
const WARMUP_ROUNDS = 2;

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 21, 15);

const loadStart = loadavg()[0]!;
const repo = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(repo, "dist", "cli", "bin.js");

if (!existsSync(bin)) {
  const reason = `${bin} is missing: run npm run build first`;
  console.log(json ? JSON.stringify({ benchmark: "worker-cold-start", skipped: reason }, null, 2) : `worker-cold-start: skipped: ${reason}`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The worker's package

const dir = mkdtempSync(path.join(tmpdir(), "wfkit-bench-worker-"));
const pkg = path.join(dir, "pkg");
const home = path.join(dir, "wf-home");
mkdirSync(path.join(pkg, "node_modules"), { recursive: true });
mkdirSync(home);
symlinkSync(repo, path.join(pkg, "node_modules", "wfkit"), "dir");
// A workflow package with params depends on zod itself: the repository's copy stands in for it.
symlinkSync(path.join(repo, "node_modules", "zod"), path.join(pkg, "node_modules", "zod"), "dir");
writeFileSync(path.join(pkg, "package.json"), `${JSON.stringify({ name: "bench-worker", version: "1.0.0", type: "module", private: true }, null, 2)}\n`);
const mjs = path.join(pkg, "noop.mjs");
const ts = path.join(pkg, "noop.ts");
const withParams = path.join(pkg, "noop-params.mjs");
/** The no-op workflow module, as plain JS or (with a return type) as TypeScript. */
const noopModule = (returnType: string) =>
  [
    'import { TaskBase, Workflow } from "wfkit";',
    "",
    "export class Noop extends TaskBase {",
    `  run()${returnType} {}`,
    "}",
    "",
    'export const noop = new Workflow({ category: "bench", inputData: "nothing", outputData: "nothing", version: "1.0.0" });',
    "noop.addNode(Noop);",
    "",
  ].join("\n");
writeFileSync(mjs, noopModule(""));
writeFileSync(ts, noopModule(": void"));

writeFileSync(
  withParams,
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

/** The environment of every command: no WF_* but WF_HOME and WF_LOG_FORMAT, no NODE_OPTIONS. */
const env: NodeJS.ProcessEnv = {};
for (const [key, value] of Object.entries(process.env)) {
  if (!key.startsWith("WF_") && key !== "NODE_OPTIONS") env[key] = value;
}
env["WF_HOME"] = home;
env["WF_LOG_FORMAT"] = "json";

interface Command {
  name: string;
  args: string[];
  cwd: string;
  /** Part of the target (the others are information). */
  role: "peer" | "subject" | "extra" | "breakdown";
}

/**
 * `node -e 'await import(specifier)'`, which also prints (to stdout, as JSON) how long the import
 * took inside the process and when the first statement ran (performance.now(): ms since the
 * process started, i.e. Node's own start-up).
 */
const importing = (specifier: string) => [
  "-e",
  `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify({ bootMs: t, importMs: performance.now() - t }));`,
];
/** A script that runs noop.mjs's task the way the task process does, but in this one process. */
function taskAlone(module: string): string {
  return [
    'import { compileWorkerTaskRequest, runWorkerTask } from "wfkit/airflow";',
    'import { loadConfig } from "wfkit/engine";',
    "const config = loadConfig(process.env);",
    `const request = compileWorkerTaskRequest(${JSON.stringify(module)}, { task: "Noop" }, config, process.env, process.cwd());`,
    "const load = async (file) => (await import(file)).noop;",
    "const code = await runWorkerTask(request, load, (text) => process.stderr.write(text));",
    'process.stdout.write("", () => process.exit(code));',
  ].join("\n");
}

const commands: Command[] = [
  { name: 'node -e "0"', args: ["-e", "0"], cwd: pkg, role: "peer" },
  { name: "wf run-task noop.mjs --task Noop", args: [bin, "run-task", mjs, "--task", "Noop"], cwd: pkg, role: "subject" },
  { name: "wf run-task noop.ts --task Noop", args: [bin, "run-task", ts, "--task", "Noop"], cwd: pkg, role: "extra" },
  // The task alone, without the supervisor and its second process: the Airflow engine's worker
  // run in one process (what the task process does), so what supervision (task.crashed) costs
  // is the difference.
  { name: "the task alone (runWorkerTask, one process)", args: ["--input-type=module", "-e", taskAlone(mjs)], cwd: pkg, role: "extra" },
  { name: "wf run-task noop-params.mjs --task Noop", args: [bin, "run-task", withParams, "--task", "Noop"], cwd: pkg, role: "extra" },
  { name: `node -e 'await import("zod")'`, args: importing("zod"), cwd: pkg, role: "breakdown" },
  { name: `node -e 'await import("wfkit")'`, args: importing("wfkit"), cwd: pkg, role: "breakdown" },
  { name: `node -e 'await import("wfkit/airflow")'`, args: importing("wfkit/airflow"), cwd: pkg, role: "breakdown" },
  { name: `node -e 'await import("./noop.mjs")'`, args: importing(pathToFileURL(mjs).href), cwd: pkg, role: "breakdown" },
  { name: "wf --version", args: [bin, "--version"], cwd: pkg, role: "breakdown" },
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

const warnings: string[] = [];
const samples = new Map<string, number[]>(commands.map((c) => [c.name, []]));
/** In-process figures of the import commands: Node's start-up until the first statement, the import itself. */
const inProcess = new Map<string, { bootMs: number[]; importMs: number[] }>(commands.map((c) => [c.name, { bootMs: [], importMs: [] }]));
const failed = new Set<string>();

function runOnce(command: Command, timed: boolean): void {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, command.args, { cwd: command.cwd, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0 && !failed.has(command.name)) {
    failed.add(command.name);
    warnings.push(`${command.name} exited ${r.status ?? r.signal}: ${`${r.stderr}${r.stdout}`.trim().slice(-800)}`);
  }
  if (!timed) return;
  samples.get(command.name)!.push(ms);
  if (command.args[1]?.startsWith("const t = performance.now()") && r.status === 0) {
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
  const runs = countRunDirs(home);
  // Each command that runs the task makes a run: the three `wf run-task`s and the task alone.
  const expected = 4 * (WARMUP_ROUNDS + RUNS);
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
const subject = results.find((r) => r.role === "subject")!;
const targetMet = subject.ratio <= TARGET_RATIO && !failed.has(subject.name);

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "worker-cold-start",
        machine,
        settings: { runs: RUNS, warmupRounds: WARMUP_ROUNDS, env: { WF_HOME: "<temp>", WF_LOG_FORMAT: "json" } },
        target: { ratio: TARGET_RATIO },
        ratio: subject.ratio,
        targetMet,
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
  console.log(`wf run-task cold start vs node -e "0" — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`wall time from spawn to exit; median of ${RUNS} rounds after ${WARMUP_ROUNDS} warm-up rounds, command order rotating; WF_LOG_FORMAT=json`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  rows.slice(1).forEach((row, i) => {
    if (results[i]!.role === "breakdown" && results[i - 1]?.role !== "breakdown") console.log("breakdown (each its own process):");
    console.log(line(row));
  });
  console.log(`\nNode's own start-up until the first statement of -e code (performance.now() there): ${f(nodeBootMs)} ms`);
  console.log(`\ntarget: wf run-task noop.mjs ≤ ${TARGET_RATIO}x node -e "0": ${targetMet ? "met" : "NOT met"} (${subject.ratio.toFixed(2)}x, +${f(subject.aboveFloorMs)} ms)`);
  for (const w of warnings) console.log(`warning: ${w}`);
}
