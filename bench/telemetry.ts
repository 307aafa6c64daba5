/**
 * What OpenTelemetry (WF_OTEL) costs: the local engine's per-task cost and a task's start-up on
 * the worker path, with telemetry off and with traces and metrics on to an OTLP/HTTP receiver,
 * and, with `--vs`, telemetry off against another build of wfkit (the build before the telemetry
 * work: "no measurable change when off").
 *
 *   npx tsx bench/telemetry.ts                          # prints tables
 *   npx tsx bench/telemetry.ts --json                   # machine-readable results on stdout
 *   npx tsx bench/telemetry.ts --only tasks             # one part only: `tasks` or `start`
 *   npx tsx bench/telemetry.ts --runs 25                # timed rounds (default 15 for tasks, at least 5; 21 for start, at least 15)
 *   npx tsx bench/telemetry.ts --tasks 5000             # tasks per workflow (default 2,000)
 *   npx tsx bench/telemetry.ts --vs /tmp/wfkit-base     # also the "off" rows of the wfkit checkout there (dist/ built)
 *
 * The receiver: a child process of its own (bench/support/otlp-receiver.ts), a node:http server
 * on 127.0.0.1 that answers 200 to POST /v1/traces and /v1/metrics, decodes nothing and counts
 * requests and bytes. In a process of its own it neither takes a measured process's event loop
 * nor stops answering while this one waits in spawnSync. "on" is WF_OTEL=on with
 * OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:<its port> and every other OTEL_* variable at its
 * default: spans and metrics, OTLP/HTTP protobuf, batched spans, sampler parentbased_always_on.
 *
 * The builds: this checkout's dist/ (built first: `npm run build`) and, with `--vs DIR`, DIR's
 * dist/ (a wfkit checkout with its dist/ built and node_modules installed), each copied at the
 * start into a temp folder (package.json, dist/, templates/; node_modules a symlink to the
 * build's), so that a build rewriting dist/ meanwhile (every `npm test` does) changes nothing.
 *
 * 1. Local engine, per task (`--only tasks`). Two shapes of no-op tasks, as bench/local-engine.ts
 *    builds them, 2,000 tasks each by default (plus a root and a sink for the fan-out):
 *
 *      chain    T00000 -> T00001 -> ... -> T01999
 *      fan-out  Root -> (F00000 ... F01999) -> Sink
 *
 *    each run by `runLocal` on a fresh workflow (quiet logger, a temp WF_HOME, concurrency 16,
 *    retry delay 0; its `env` option as below), in a child process per build and environment
 *    (bench/support/telemetry-engine-child.ts):
 *
 *      this build, off                 env {} (as bench/local-engine.ts runs)
 *      this build, WF_OTEL=on          the two variables above: spans and metrics to the receiver
 *      on, spans only (metrics none)   extra: and OTEL_METRICS_EXPORTER=none
 *      on, exporters none              extra: and OTEL_TRACES_EXPORTER=none as well: the spans
 *                                      made (and masked), nothing exported
 *      --vs build, off                 with --vs: DIR's build, env {}
 *
 *    A process per environment, since an SDK once loaded keeps its global AsyncLocalStorage
 *    context manager, which would tax the process's later "off" runs. The runs with exports
 *    include what the run's end waits for: the last spans and the metrics sent to the receiver
 *    (runLocal flushes them before it returns). Timed by the wall clock and, apart, by the
 *    child's CPU time (user + system, every thread: the exporters' serialisation is in it, the
 *    receiver is not). µs/task = median run time / tasks; overhead = on − off (difference of
 *    the medians), and its breakdown from the extra rows: making the spans (exporters none −
 *    off), exporting them (spans only − exporters none), metrics (on − spans only).
 *    Method: one child at a time, one run at a time (never two at once); per round, each shape,
 *    the variants in an order rotating from round to round; 1 untimed warm-up round; medians
 *    over `runs` rounds. The receiver's counts before and after each "on" run give the requests
 *    and bytes each run sent.
 *
 * 2. Worker start-up (`--only start`). The generated DAG's worker command (`bash -c
 *    WORKER_COMMAND`, bash then `wf run-task` in one process), as bench/worker-cold-start.ts runs
 *    it, against an install root made as there (bench/support/worker-install.ts: the no-op task's
 *    module `noop.ts` compiled by the build's compileWorkflowModules, as `wf install` does), one
 *    per build, with WF_HOME a temp folder and WF_LOG_FORMAT=json and no other WF_* or OTEL_*
 *    variable, NODE_OPTIONS or TRACEPARENT:
 *
 *      node -e "0"                          the floor: starting Node.js at all
 *      worker command, off                  this build, WF_OTEL unset
 *      worker command, WF_OTEL=on           this build, to the receiver: the SDK loaded, the
 *                                           task's spans and the metrics sent before exit
 *      worker command, on, exporters none   extra: WF_OTEL=on with OTEL_TRACES_EXPORTER=none and
 *                                           OTEL_METRICS_EXPORTER=none: the SDK's load and set-up
 *                                           without any export
 *      worker command, off (--vs build)     DIR's build, WF_OTEL unset
 *
 *    Method as bench/worker-cold-start.ts's: every command once per round, the order rotating;
 *    2 untimed warm-up rounds; wall time from spawn to exit (spawnSync, output piped), median and
 *    p90 of `runs` rounds. Every command must exit 0.
 *
 * Targets (from the issue): with telemetry off, no measurable change in either part against the
 * build before the telemetry work (`--vs`; reported as the difference and ratio, for a reader
 * to judge against the run-to-run spread, which the p90 and min columns show); with traces on,
 * the per-task overhead reported in µs, and the worker command's start-up on − off ≤ +30 ms.
 *
 * It is a benchmark, not a test: it reports and never fails.
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { countArg, stringArg } from "./support/args.js";
import { CONCURRENCY, exportedFile } from "./support/local-engine-measure.js";
import { machineInfo } from "./support/machine.js";
import type { ReceiverMessage, ReceiverStats } from "./support/otlp-receiver.js";
import { countRunDirs } from "./support/run-dirs.js";
import { median, p90 } from "./support/stats.js";
import { printTable } from "./support/table.js";
import type { EngineRun, TelemetryChildReply, TelemetryChildRequest } from "./support/telemetry-engine-child.js";
import { createWorkerInstall, NOOP_MODULE, NOOP_TASK, snapshotBuild, WORKER_PACKAGE, WORKER_VERSION, type WorkerInstall } from "./support/worker-install.js";

// ---------------------------------------------------------------------------------------------
// Settings

/** The issue's target: the worker command's start-up with traces on, at most this much above off. */
const START_TARGET_MS = 30;
const START_WARMUP_ROUNDS = 2;
const TASKS_WARMUP_ROUNDS = 1;

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const only = stringArg(argv, "--only");
const vsArg = stringArg(argv, "--vs");
const TASKS = countArg(argv, "--tasks", 2_000, 100);
const TASK_RUNS = countArg(argv, "--runs", 15, 5);
const START_RUNS = countArg(argv, "--runs", 21, 15);
const repo = fileURLToPath(new URL("..", import.meta.url));
const loadStart = loadavg()[0]!;

function skip(reason: string): never {
  console.log(json ? JSON.stringify({ benchmark: "telemetry", skipped: reason }, null, 2) : `telemetry: skipped: ${reason}`);
  process.exit(0);
}
if (only !== undefined && only !== "tasks" && only !== "start") skip(`--only takes tasks or start, not ${only}`);
const doTasks = only === undefined || only === "tasks";
const doStart = only === undefined || only === "start";
/** Progress lines, on stderr (stdout carries the report, or the JSON). */
const say = (text: string) => {
  if (!json) console.error(text);
};

// ---------------------------------------------------------------------------------------------
// The builds

const git = (args: string[], cwd: string): string | undefined => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** A build of wfkit, copied into the temp folder. */
interface Build {
  /** `this` or `vs`. */
  key: "this" | "vs";
  label: string;
  /** The checkout. */
  source: string;
  commit: string | undefined;
  /** Its copy (package.json, dist/, templates/, node_modules a symlink). */
  dir: string;
}

const dir = mkdtempSync(path.join(tmpdir(), "wfkit-bench-telemetry-"));
const warnings: string[] = [];

function describe(source: string, key: Build["key"]): Omit<Build, "dir"> {
  const commit = git(["rev-parse", "HEAD"], source);
  const dirty = git(["status", "--porcelain", "--", "src", "engines", "cli", "package.json", "package-lock.json"], source);
  // dist/ may be older or newer than the sources: say when it was built (bin.js is written last).
  const built = new Date(statSync(path.join(source, "dist", "cli", "bin.js")).mtimeMs).toISOString().replace("T", " ").slice(0, 19);
  const what = `${commit === undefined ? "no git" : commit.slice(0, 9)}${dirty ? " + uncommitted changes" : ""}, dist/ built ${built} UTC`;
  return { key, source, commit, label: key === "this" ? `this checkout (${what})` : `${source} (${what})` };
}

function copyBuild(source: string, key: Build["key"]): Build {
  const target = path.join(dir, `wfkit-${key}`);
  if (!snapshotBuild(source, target)) {
    rmSync(dir, { recursive: true, force: true });
    skip(`found no whole build in ${path.join(source, "dist")} for a minute (none, or a build kept rewriting it): run npm run build there first`);
  }
  return { ...describe(source, key), dir: target };
}

let vsSource: string | undefined;
if (vsArg !== undefined) {
  vsSource = path.resolve(vsArg);
  if (!existsSync(vsSource) || !statSync(vsSource).isDirectory()) skip(`--vs ${vsArg}: no such folder (give a wfkit checkout with dist/ built)`);
  if (!existsSync(exportedFile(vsSource, ".")) || !existsSync(path.join(vsSource, "node_modules"))) skip(`--vs ${vsArg}: no built dist/ or no node_modules there (npm ci there builds both)`);
}
const thisBuild = copyBuild(repo, "this");
const vsBuild = vsSource === undefined ? undefined : copyBuild(vsSource, "vs");
const builds = [thisBuild, ...(vsBuild === undefined ? [] : [vsBuild])];

// ---------------------------------------------------------------------------------------------
// Child processes: the receiver, and the engine's

/** A child process asked one thing at a time over IPC, replies matched by id. */
class Child<Reply extends { id: number }> {
  private next = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private readonly exited: Promise<void>;
  /** The first message that is no reply (id 0, or none), once. */
  readonly first: Promise<unknown>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    let resolveFirst: (value: unknown) => void = () => {};
    let rejectFirst: (error: Error) => void = () => {};
    this.first = new Promise((resolve, reject) => {
      resolveFirst = resolve;
      rejectFirst = reject;
    });
    child.on("message", (message: Reply) => {
      const waiter = typeof message.id === "number" ? this.waiting.get(message.id) : undefined;
      if (waiter === undefined) return resolveFirst(message);
      this.waiting.delete(message.id);
      waiter(message);
    });
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        const error = new Error(`${name} exited (${code ?? signal})`);
        rejectFirst(error);
        for (const waiter of this.waiting.values()) waiter({ id: -1, ok: false, error: error.message } as unknown as Reply);
        this.waiting.clear();
        resolve();
      });
    });
  }

  ask(request: Record<string, unknown>): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...request, id });
    });
  }

  /** Wait for the child to exit; after `ms`, kill it (this one process, by its handle). */
  async end(ms = 5_000): Promise<void> {
    const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Fork a TypeScript file of bench/support under tsx; its output on stderr (stdout is the report's). */
function forkSupport(file: string, args: string[]): ChildProcess {
  return fork(fileURLToPath(new URL(`./support/${file}`, import.meta.url)), args, { cwd: repo, execArgv: ["--import", "tsx"], stdio: ["ignore", 2, 2, "ipc"] });
}

type ReceiverReply = { id: number; stats: ReceiverStats };
const receiver = new Child<ReceiverReply>("the OTLP receiver", forkSupport("otlp-receiver.ts", []));
const port = ((await receiver.first) as Extract<ReceiverMessage, { port: number }>).port;
const endpoint = `http://127.0.0.1:${port}`;
const receiverStats = async () => (await receiver.ask({ op: "stats" })).stats;
/** Requests and bytes of both signals between two counts. */
const sent = (before: ReceiverStats, after: ReceiverStats) => ({
  traceRequests: after.traces.requests - before.traces.requests,
  traceBytes: after.traces.bytes - before.traces.bytes,
  metricRequests: after.metrics.requests - before.metrics.requests,
  metricBytes: after.metrics.bytes - before.metrics.bytes,
});
type Sent = ReturnType<typeof sent>;
const medianSent = (xs: readonly Sent[]): Sent => ({
  traceRequests: median(xs.map((x) => x.traceRequests)),
  traceBytes: median(xs.map((x) => x.traceBytes)),
  metricRequests: median(xs.map((x) => x.metricRequests)),
  metricBytes: median(xs.map((x) => x.metricBytes)),
});

// ---------------------------------------------------------------------------------------------
// 1. Local engine, per task

const SHAPE_NAMES = ["chain", "fan-out"] as const;
type ShapeName = (typeof SHAPE_NAMES)[number];
const shapeTasks = (shape: ShapeName) => (shape === "chain" ? TASKS : TASKS + 2);
const shapeDescription = (shape: ShapeName) => (shape === "chain" ? `chain of ${TASKS}` : `1 -> ${TASKS} -> 1`);

interface EngineVariant {
  key: "off" | "on" | "on-spans" | "on-no-export" | "vs-off";
  label: string;
  build: Build;
  /** The runs' `env` option. */
  env: Record<string, string>;
  /** Extra information, not part of a target. */
  extra?: boolean;
}

interface VariantResult {
  variant: EngineVariant["key"];
  label: string;
  wallMs: number;
  wallP90Ms: number;
  cpuMs: number;
  usPerTask: number;
  cpuUsPerTask: number;
  /** "on": what each run sent to the receiver (medians). */
  sent: Sent | null;
  samples: { wallMs: number[]; cpuMs: number[] };
}

interface TaskShapeResult {
  shape: ShapeName;
  description: string;
  tasks: number;
  variants: VariantResult[];
  /** This build: on − off, µs per task (wall, CPU). */
  overheadUsPerTask: { wall: number; cpu: number };
  /** Where it goes, µs per task (wall, CPU): spans made (exporters none − off), spans exported (spans only − exporters none), metrics (on − spans only). */
  breakdownUsPerTask: { spansMade: { wall: number; cpu: number }; spanExport: { wall: number; cpu: number }; metrics: { wall: number; cpu: number } };
  /** With --vs: this build off − the other build off, µs per task, and the ratio of the medians (this / other). */
  offVs: { wallUsPerTask: number; cpuUsPerTask: number; wallRatio: number; cpuRatio: number } | null;
}

async function measureTasks(): Promise<TaskShapeResult[]> {
  const on = { WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
  const variants: EngineVariant[] = [
    { key: "off", label: "this build, off", build: thisBuild, env: {} },
    { key: "on", label: "this build, WF_OTEL=on", build: thisBuild, env: on },
    { key: "on-spans", label: "  on, spans only (metrics none)", build: thisBuild, env: { ...on, OTEL_METRICS_EXPORTER: "none" }, extra: true },
    { key: "on-no-export", label: "  on, exporters none", build: thisBuild, env: { ...on, OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none" }, extra: true },
    ...(vsBuild === undefined ? [] : [{ key: "vs-off" as const, label: "--vs build, off", build: vsBuild, env: {} }]),
  ];
  const children = new Map<EngineVariant["key"], Child<TelemetryChildReply>>();
  const samples = new Map<string, EngineRun[]>();
  const sends = new Map<string, Sent[]>();
  const failed = new Set<string>();
  try {
    for (const v of variants) {
      const child = new Child<TelemetryChildReply>(`the engine child (${v.label})`, forkSupport("telemetry-engine-child.ts", [v.build.dir, String(TASKS), JSON.stringify(v.env)]));
      children.set(v.key, child);
      const ready = (await child.first) as TelemetryChildReply;
      if (!ready.ok) throw new Error(`${v.label}: ${ready.error}`);
    }
    const rounds = TASKS_WARMUP_ROUNDS + TASK_RUNS;
    say(`tasks: ${variants.length} variants × ${SHAPE_NAMES.length} shapes × (${TASKS_WARMUP_ROUNDS} warm-up + ${TASK_RUNS}) rounds …`);
    for (let round = 0; round < rounds; round++) {
      const k = round % variants.length;
      for (const shape of SHAPE_NAMES) {
        for (const v of [...variants.slice(k), ...variants.slice(0, k)]) {
          const before = v.env["WF_OTEL"] === "on" ? await receiverStats() : undefined;
          const reply = await children.get(v.key)!.ask({ op: "run", shape } satisfies Omit<Extract<TelemetryChildRequest, { op: "run" }>, "id">);
          const after = before === undefined ? undefined : await receiverStats();
          const key = `${shape}/${v.key}`;
          if (!reply.ok) {
            if (!failed.has(key)) warnings.push(`${v.label}, ${shape}: ${reply.error.slice(0, 800)}`);
            failed.add(key);
            continue;
          }
          const run = reply.value as EngineRun;
          if (run.problem !== "" && !failed.has(key)) {
            failed.add(key);
            warnings.push(`${v.label}: ${run.problem}`);
          }
          if (round < TASKS_WARMUP_ROUNDS) continue;
          samples.set(key, [...(samples.get(key) ?? []), run]);
          if (before !== undefined && after !== undefined) sends.set(key, [...(sends.get(key) ?? []), sent(before, after)]);
        }
      }
    }
  } finally {
    for (const [key, child] of children) {
      const reply = await child.ask({ op: "close" }).catch(() => undefined);
      if (reply?.ok === true) for (const w of reply.value as string[]) warnings.push(`${key}: ${w}`);
      await child.end();
    }
  }
  return SHAPE_NAMES.map((shape) => {
    const tasks = shapeTasks(shape);
    const results: VariantResult[] = variants.map((v) => {
      const runs = samples.get(`${shape}/${v.key}`) ?? [];
      const wall = runs.map((r) => r.wallMs);
      const cpu = runs.map((r) => r.cpuMs);
      const ss = sends.get(`${shape}/${v.key}`);
      const wallMs = runs.length > 0 ? median(wall) : Number.NaN;
      const cpuMs = runs.length > 0 ? median(cpu) : Number.NaN;
      return {
        variant: v.key,
        label: v.label,
        wallMs,
        wallP90Ms: runs.length > 0 ? p90(wall) : Number.NaN,
        cpuMs,
        usPerTask: (wallMs * 1000) / tasks,
        cpuUsPerTask: (cpuMs * 1000) / tasks,
        sent: ss === undefined ? null : medianSent(ss),
        samples: { wallMs: wall, cpuMs: cpu },
      };
    });
    const of = (key: EngineVariant["key"]) => results.find((r) => r.variant === key);
    const minus = (a: VariantResult, b: VariantResult) => ({ wall: a.usPerTask - b.usPerTask, cpu: a.cpuUsPerTask - b.cpuUsPerTask });
    const off = of("off")!;
    const on = of("on")!;
    const other = of("vs-off");
    return {
      shape,
      description: shapeDescription(shape),
      tasks,
      variants: results,
      overheadUsPerTask: { wall: on.usPerTask - off.usPerTask, cpu: on.cpuUsPerTask - off.cpuUsPerTask },
      breakdownUsPerTask: { spansMade: minus(of("on-no-export")!, off), spanExport: minus(of("on-spans")!, of("on-no-export")!), metrics: minus(on, of("on-spans")!) },
      offVs:
        other === undefined
          ? null
          : { wallUsPerTask: off.usPerTask - other.usPerTask, cpuUsPerTask: off.cpuUsPerTask - other.cpuUsPerTask, wallRatio: off.wallMs / other.wallMs, cpuRatio: off.cpuMs / other.cpuMs },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Worker start-up

interface Command {
  key: "floor" | "off" | "on" | "on-no-export" | "vs-off";
  name: string;
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** It runs a task: one run directory under its WF_HOME per round. */
  home?: string;
  /** It sends to the receiver: counted around each run. */
  sends?: boolean;
}

interface CommandResult {
  key: Command["key"];
  name: string;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  /** Median minus the floor's median. */
  aboveFloorMs: number;
  /** What each run sent to the receiver (medians); null for commands that send nothing. */
  sent: Sent | null;
  samplesMs: number[];
}

interface StartResult {
  compiled: Record<string, string[]>;
  results: CommandResult[];
  /** This build: on − off (medians), against the target. */
  onMinusOffMs: number;
  /** This build: on with no exporter − off: the SDK's load and set-up alone. */
  loadOnlyMs: number;
  targetMet: boolean;
  /** With --vs: this build off − the other build off (medians), and their ratio. */
  offVs: { ms: number; ratio: number } | null;
}

/** The environment of every command: none of the caller's WF_*, OTEL_*, TRACEPARENT/TRACESTATE or NODE_OPTIONS. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("WF_") && !key.startsWith("OTEL_") && key !== "NODE_OPTIONS" && key !== "TRACEPARENT" && key !== "TRACESTATE") env[key] = value;
  }
  return env;
}

async function measureStart(): Promise<StartResult> {
  const workerCwd = path.join(dir, "worker-cwd");
  mkdirSync(workerCwd);
  const installs = new Map<Build["key"], WorkerInstall & { home: string }>();
  for (const build of builds) {
    const installDir = path.join(dir, `install-${build.key}`);
    const home = path.join(installDir, "wf-home");
    mkdirSync(home, { recursive: true });
    const install = await createWorkerInstall(build.dir, installDir);
    for (const w of install.warnings) warnings.push(`${build.key}: ${w}`);
    installs.set(build.key, { ...install, home });
  }
  const env = baseEnv();
  const worker = (key: Build["key"], extra: Record<string, string>): Pick<Command, "file" | "args" | "cwd" | "env" | "home"> => {
    const install = installs.get(key)!;
    return {
      file: "bash",
      args: ["-c", install.workerCommand],
      cwd: workerCwd,
      env: {
        ...env,
        WF_HOME: install.home,
        WF_LOG_FORMAT: "json",
        WF_INSTALL_ROOT: install.installRoot,
        WF_PACKAGE: WORKER_PACKAGE,
        WF_PACKAGE_VERSION: WORKER_VERSION,
        WF_MODULE: NOOP_MODULE,
        WF_TASK: NOOP_TASK,
        ...extra,
      },
      home: install.home,
    };
  };
  const on = { WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
  const commands: Command[] = [
    { key: "floor", name: 'node -e "0"', file: process.execPath, args: ["-e", "0"], cwd: workerCwd, env },
    { key: "off", name: "worker command, off", ...worker("this", {}) },
    { key: "on", name: "worker command, WF_OTEL=on (to the receiver)", ...worker("this", on), sends: true },
    { key: "on-no-export", name: "worker command, on, exporters none", ...worker("this", { ...on, OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "none" }), sends: true },
    ...(vsBuild === undefined ? [] : [{ key: "vs-off" as const, name: "worker command, off (--vs build)", ...worker("vs", {}) }]),
  ];
  const samples = new Map<string, number[]>(commands.map((c) => [c.key, []]));
  const sends = new Map<string, Sent[]>(commands.map((c) => [c.key, []]));
  const failed = new Set<string>();
  const rounds = START_WARMUP_ROUNDS + START_RUNS;
  say(`start: ${commands.length} commands × (${START_WARMUP_ROUNDS} warm-up + ${START_RUNS}) rounds …`);
  for (let round = 0; round < rounds; round++) {
    const k = round % commands.length;
    for (const command of [...commands.slice(k), ...commands.slice(0, k)]) {
      const before = command.sends ? await receiverStats() : undefined;
      const t0 = performance.now();
      const r = spawnSync(command.file, command.args, { cwd: command.cwd, env: command.env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
      const ms = performance.now() - t0;
      const after = before === undefined ? undefined : await receiverStats();
      if (r.status !== 0 && !failed.has(command.key)) {
        failed.add(command.key);
        warnings.push(`${command.name} exited ${r.status ?? r.signal ?? r.error?.message}: ${`${r.stderr}${r.stdout}`.trim().slice(-800)}`);
      }
      if (round < START_WARMUP_ROUNDS) continue;
      samples.get(command.key)!.push(ms);
      if (before !== undefined && after !== undefined) sends.get(command.key)!.push(sent(before, after));
    }
  }
  for (const [key, install] of installs) {
    const expected = commands.filter((c) => c.home === install.home).length * rounds;
    const found = countRunDirs(install.home);
    if (found !== expected) warnings.push(`${key}: expected ${expected} run directories under WF_HOME, found ${found}`);
  }
  const floor = median(samples.get("floor")!);
  const results: CommandResult[] = commands.map((c) => {
    const xs = samples.get(c.key)!;
    const m = median(xs);
    return {
      key: c.key,
      name: c.name,
      medianMs: m,
      p90Ms: p90(xs),
      minMs: Math.min(...xs),
      aboveFloorMs: m - floor,
      sent: c.sends ? medianSent(sends.get(c.key)!) : null,
      samplesMs: xs,
    };
  });
  const of = (key: Command["key"]) => results.find((r) => r.key === key);
  const onMinusOffMs = of("on")!.medianMs - of("off")!.medianMs;
  const other = of("vs-off");
  const onSent = of("on")!.sent!;
  if (onSent.traceRequests < 1) warnings.push("the worker command with WF_OTEL=on sent no spans to the receiver: its row does not measure an export");
  return {
    compiled: Object.fromEntries([...installs].map(([key, install]) => [key, install.compiled])),
    results,
    onMinusOffMs,
    loadOnlyMs: of("on-no-export")!.medianMs - of("off")!.medianMs,
    targetMet: onMinusOffMs <= START_TARGET_MS && !failed.has("on") && onSent.traceRequests >= 1,
    offVs: other === undefined ? null : { ms: of("off")!.medianMs - other.medianMs, ratio: of("off")!.medianMs / other.medianMs },
  };
}

// ---------------------------------------------------------------------------------------------
// Run

let tasks: TaskShapeResult[] | undefined;
let start: StartResult | undefined;
let totals: ReceiverStats | undefined;
try {
  if (doTasks) tasks = await measureTasks();
  if (doStart) start = await measureStart();
} catch (error) {
  warnings.push(`the benchmark stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  totals = await Promise.race([receiverStats(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000).unref())]);
  await receiver.ask({ op: "close" }).catch(() => undefined);
  await receiver.end();
  rmSync(dir, { recursive: true, force: true });
}
if (totals !== undefined && totals.other > 0) warnings.push(`the receiver got ${totals.other} requests other than POST /v1/traces or /v1/metrics`);

// ---------------------------------------------------------------------------------------------
// Report

const machine = machineInfo(loadStart);
const settings = {
  tasks: TASKS,
  concurrency: CONCURRENCY,
  taskRuns: TASK_RUNS,
  taskWarmupRounds: TASKS_WARMUP_ROUNDS,
  startRuns: START_RUNS,
  startWarmupRounds: START_WARMUP_ROUNDS,
  on: { WF_OTEL: "on", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:<receiver>", protocol: "http/protobuf (default)" },
};
const buildInfo = builds.map((b) => ({ key: b.key, label: b.label, source: b.source, commit: b.commit ?? null }));

if (json) {
  console.log(
    JSON.stringify(
      { benchmark: "telemetry", machine, settings, builds: buildInfo, target: { startOnMinusOffMs: START_TARGET_MS }, tasks: tasks ?? null, start: start ?? null, receiver: totals ?? null, warnings },
      null,
      2,
    ),
  );
} else {
  const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
  const signed = (x: number, digits = 1) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(digits)}` : "—");
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`wfkit OpenTelemetry cost (WF_OTEL) — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  for (const b of builds) console.log(`${b.key === "this" ? "build" : "--vs build"}: ${b.label}`);
  console.log(`"on": WF_OTEL=on, OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint} (a receiver in a child process: 200 to POST /v1/traces and /v1/metrics), other OTEL_* at their defaults`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`);

  if (tasks !== undefined) {
    console.log(`\n1. local engine, per task: runLocal of no-op tasks in a child process per build and environment; median of ${TASK_RUNS} rounds after ${TASKS_WARMUP_ROUNDS} warm-up, order rotating`);
    console.log(`   wall = wall clock of runLocal; cpu = the child's CPU time (user + system) over it; µs/task = median / tasks\n`);
    const rows = [["shape", "variant", "wall ms", "p90 ms", "µs/task", "cpu ms", "cpu µs/task", "sent per run (spans; metrics)"]];
    for (const t of tasks) {
      for (const v of t.variants) {
        rows.push([
          v === t.variants[0] ? t.description : "",
          v.label,
          f(v.wallMs),
          f(v.wallP90Ms),
          f(v.usPerTask, 2),
          f(v.cpuMs),
          f(v.cpuUsPerTask, 2),
          v.sent === null ? "" : `${v.sent.traceRequests} req, ${kb(v.sent.traceBytes)}; ${v.sent.metricRequests} req, ${kb(v.sent.metricBytes)}`,
        ]);
      }
    }
    printTable(rows);
    console.log("");
    const both = (x: { wall: number; cpu: number }) => `${signed(x.wall, 1)} / ${signed(x.cpu, 1)}`;
    const summary = [
      [
        "shape",
        "on − off µs/task (wall / cpu)",
        "spans made",
        "span export",
        "metrics",
        ...(vsBuild === undefined ? [] : ["off: this − --vs µs/task (wall / cpu)", "ratio this/--vs (wall)", "(cpu)"]),
      ],
    ];
    for (const t of tasks) {
      summary.push([
        t.description,
        both(t.overheadUsPerTask),
        both(t.breakdownUsPerTask.spansMade),
        both(t.breakdownUsPerTask.spanExport),
        both(t.breakdownUsPerTask.metrics),
        ...(t.offVs === null ? [] : [both({ wall: t.offVs.wallUsPerTask, cpu: t.offVs.cpuUsPerTask }), `${f(t.offVs.wallRatio, 3)}x`, `${f(t.offVs.cpuRatio, 3)}x`]),
      ]);
    }
    printTable(summary);
  }

  if (start !== undefined) {
    console.log(`\n2. worker start-up: the DAG's worker command (bash -c WORKER_COMMAND, wf run-task of the compiled no-op task), wall time from spawn to exit;`);
    console.log(`   median of ${START_RUNS} rounds after ${START_WARMUP_ROUNDS} warm-up rounds, command order rotating; WF_LOG_FORMAT=json`);
    for (const [key, compiled] of Object.entries(start.compiled)) console.log(`   ${key} build: compiled by compileWorkflowModules as wf install does: ${compiled.length > 0 ? compiled.join(", ") : "nothing"}`);
    console.log("");
    const floor = start.results.find((r) => r.key === "floor")!;
    printTable([
      ["command", "median ms", "p90 ms", "min ms", "− node -e 0", "sent per run (spans; metrics)"],
      ...start.results.map((r) => [
        r.name,
        f(r.medianMs, 0),
        f(r.p90Ms, 0),
        f(r.minMs, 0),
        r === floor ? "" : signed(r.aboveFloorMs, 0),
        r.sent === null ? "" : `${r.sent.traceRequests} req, ${kb(r.sent.traceBytes)}; ${r.sent.metricRequests} req, ${kb(r.sent.metricBytes)}`,
      ]),
    ]);
    console.log("");
    console.log(`on − off: ${signed(start.onMinusOffMs)} ms (of which the SDK's load and set-up without export: ${signed(start.loadOnlyMs)} ms)`);
    if (start.offVs !== null) console.log(`off, this build − --vs build: ${signed(start.offVs.ms)} ms (${f(start.offVs.ratio, 3)}x)`);
    console.log(`target: worker command with traces on ≤ off + ${START_TARGET_MS} ms: ${start.targetMet ? "met" : "NOT met"} (${signed(start.onMinusOffMs)} ms)`);
  }
  if (totals !== undefined) {
    console.log(`\nreceiver, in all: traces ${totals.traces.requests} requests (${kb(totals.traces.bytes)}), metrics ${totals.metrics.requests} requests (${kb(totals.metrics.bytes)}), other ${totals.other}`);
  }
  for (const w of warnings) console.log(`warning: ${w}`);
}
