/**
 * Throughput of JSON logging to a file, and the cost of a call below the active level: wfkit's
 * task logger against pino and tslog, all in the same process and the same rounds.
 *
 *   npm run bench:logging                         # builds dist/, then runs this file; prints the tables
 *   npm run build && npx tsx bench/logging.ts --json        # machine-readable results on stdout
 *   npm run build && npx tsx bench/logging.ts --runs 9      # timed rounds (default 7, at least 3)
 *   npm run build && npx tsx bench/logging.ts --lines 500000 # lines per round (default 200,000)
 *   npm run build && npx tsx bench/logging.ts --batch 10     # lines per batch in the batched workload (default 1,000)
 *   node --cpu-prof --import tsx bench/logging.ts --only wfkit  # one logger's throughput rounds, to profile it
 *
 * Throughput: every logger writes the same N lines, `info("processed a row", { row: i, bytes: 1234 })`,
 * from a logger bound to 8 fields (a task's 6 — workflow, version, dag_id, task, run_id, attempt —
 * plus host and team), as JSON lines into a fresh file in a temp dir. The time runs from the first
 * call to the end of the logger's own flush, so whatever a logger buffers is in. Loggers:
 *
 *   wfkit           createLogger({ format: "json", level: "info", destination: { file } })
 *                     .child("Extract", 6 task fields).bind({ host, team }); root.flush()
 *   pino            pino.destination({ dest, sync: false, minLength: 4096 }) (pino's fastest file
 *                     set-up), awaited "ready"; pino({ level: "info" }, dest).child(6).child(2); dest.flushSync()
 *                     (which ends with an fsync: pino's flush time includes it)
 *   pino (default)  the same with pino.destination(dest) (sonic-boom's defaults: sync false, minLength 0)
 *   pino (sync)     the same with pino.destination({ dest, sync: true }) (extra: one write per line)
 *   tslog           new Logger({ type: "hidden", minLevel: "INFO" }) + attachTransport(fileTransport({ path }))
 *                     (tslog's own file transport, otherwise default settings); getSubLogger({ name,
 *                     bindings: 6 }).getSubLogger({ bindings: 2 }); await flush(); N/10 lines per round
 *                     (it is much slower)
 *   tslog (no stack) the same with stack: { capture: "off" }: without the call position that tslog's
 *                     hidden/file set-up records on every line by default
 *
 * Two workloads: the issue's, all N calls in one synchronous loop; and an extra one, the same calls
 * in batches of 1,000 with `await setImmediate()` between (a task doing async work between rows),
 * where pino's asynchronous writes can proceed while the task runs (wfkit and pino only).
 *
 * After each round the file is read back: it must hold exactly N lines, each valid JSON with the
 * 8 bound fields, the message, row = its line number, bytes, a time and a level.
 *
 * Below the level: `debug("x", { row: i })` on the same loggers (level info) in a loop of 50M calls,
 * against a floor: the same loop calling an empty method of a plain object with the same arguments.
 * The loop xors i into a result that is returned and checked, so V8 cannot drop it.
 *
 * Rounds are interleaved (the order rotating) so that load from other processes hits all loggers
 * alike; medians and spreads are reported. wfkit is compared with the fastest pino set-up of each
 * workload. It is a benchmark, not a test: it never fails.
 * It imports "wfkit" as a user would, i.e. the built dist/.
 */
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";
import pino from "pino";
import { Logger } from "tslog";
import { fileTransport } from "tslog/transports/file";
import type { LogFields, WfLogger } from "wfkit";
import { createLogger } from "wfkit/engine";
import { countArg, stringArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median, p90 } from "./support/stats.js";
import { printTable } from "./support/table.js";

// ---------------------------------------------------------------------------------------------
// Settings

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 7, 3);
const LINES = countArg(argv, "--lines", 200_000, 10_000);
const ITERATIONS = countArg(argv, "--iterations", 50_000_000, 1_000_000);
const ONLY = stringArg(argv, "--only");
/** Targets from the issue. */
const TARGET_RATIO = 1.0;
const TARGET_BELOW_LEVEL_NS = 20;

// A forced GC before each timed section keeps one section's garbage out of the next one's time.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** A task's bound fields (what `taskLogger` binds) … */
const TASK = {
  workflow: "csv_to_report_etl_orders",
  version: "1.0.0",
  dag_id: "csv_to_report_etl_orders_1.0.0",
  task: "Extract",
  run_id: "20261122T040350Z-6c5456",
  attempt: 1,
};
/** … and 2 more: 8 bound fields. */
const EXTRA = { host: "worker-1", team: "data" };
const BOUND: Record<string, unknown> = { ...TASK, ...EXTRA };
const MESSAGE = "processed a row";

const dir = mkdtempSync(path.join(tmpdir(), "wfkit-bench-logging-"));
let fileCount = 0;
const newFile = (name: string) => path.join(dir, `${name}-${fileCount++}.log`);
const warnings: string[] = [];

// ---------------------------------------------------------------------------------------------
// Throughput subjects. Each has its own loop, so that every call site sees one logger class.

interface Timing {
  loopMs: number;
  flushMs: number;
}

interface Subject {
  name: string;
  label: string;
  lines: number;
  /**
   * Write `n` lines to `file`, `batch` at a time with an event-loop turn between batches (0: all
   * in one go); time the calls and the flush. Set-up and closing are outside.
   */
  run(file: string, n: number, batch: number): Promise<Timing>;
  /** A problem with a line (parsed), or undefined; its row is checked apart. */
  check(line: Record<string, unknown>): string | undefined;
}

function boundProblem(line: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(BOUND)) {
    if (line[key] !== value) return `bound field ${key} is ${JSON.stringify(line[key])}`;
  }
  return undefined;
}

function commonProblem(line: Record<string, unknown>, message: unknown, time: unknown, level: unknown, levelWanted: unknown): string | undefined {
  if (message !== MESSAGE) return `message is ${JSON.stringify(message)}`;
  if (line["bytes"] !== 1234) return `bytes is ${JSON.stringify(line["bytes"])}`;
  if ((typeof time !== "string" && typeof time !== "number") || Number.isNaN(new Date(time).getTime())) return `time is ${JSON.stringify(time)}`;
  if (level !== levelWanted) return `level is ${JSON.stringify(level)}`;
  return boundProblem(line);
}

const wfkitSubject: Subject = {
  name: "wfkit",
  label: "wfkit task logger",
  lines: LINES,
  async run(file, n, batch) {
    const root = createLogger({ format: "json", level: "info", destination: { file } });
    const log = root.child("Extract", TASK).bind(EXTRA);
    gc();
    const t0 = performance.now();
    for (let i = 0; i < n; ) {
      const end = batch > 0 ? Math.min(n, i + batch) : n;
      for (; i < end; i++) log.info(MESSAGE, { row: i, bytes: 1234 });
      if (i < n) await nextTurn();
    }
    const t1 = performance.now();
    root.flush();
    const t2 = performance.now();
    await root.close();
    return { loopMs: t1 - t0, flushMs: t2 - t1 };
  },
  check: (line) => commonProblem(line, line["message"], line["timestamp"], line["level"], "info") ?? (line["logger"] === "Extract" ? undefined : `logger is ${JSON.stringify(line["logger"])}`),
};

function pinoSubject(name: string, label: string, destination: (file: string) => ReturnType<typeof pino.destination>): Subject {
  return {
    name,
    label,
    lines: LINES,
    async run(file, n, batch) {
      const dest = destination(file);
      await once(dest, "ready");
      const log = pino({ level: "info" }, dest).child(TASK).child(EXTRA);
      gc();
      const t0 = performance.now();
      for (let i = 0; i < n; ) {
        const end = batch > 0 ? Math.min(n, i + batch) : n;
        for (; i < end; i++) log.info({ row: i, bytes: 1234 }, MESSAGE);
        if (i < n) await nextTurn();
      }
      const t1 = performance.now();
      dest.flushSync();
      const t2 = performance.now();
      dest.end();
      await once(dest, "close");
      return { loopMs: t1 - t0, flushMs: t2 - t1 };
    },
    check: (line) => commonProblem(line, line["msg"], line["time"], line["level"], 30),
  };
}
// Two copies of the same code: each keeps its own type feedback.
const pinoFast = pinoSubject("pino", "pino, destination sync:false minLength:4096", (dest) => pino.destination({ dest, sync: false, minLength: 4096 }));
const pinoDefault = pinoSubject("pino-default", "pino, pino.destination(file) (default)", (dest) => pino.destination(dest));
const pinoSync = pinoSubject("pino-sync", "pino, destination sync:true", (dest) => pino.destination({ dest, sync: true }));

function tslogSubject(name: string, label: string, settings: ConstructorParameters<typeof Logger>[0]): Subject {
  return {
    name,
    label,
    lines: Math.max(1, Math.round(LINES / 10)),
    async run(file, n, batch) {
      const root = new Logger(settings);
      const transport = fileTransport({ path: file });
      root.attachTransport(transport);
      const log = root.getSubLogger({ name: "Extract", bindings: TASK }).getSubLogger({ bindings: EXTRA });
      gc();
      const t0 = performance.now();
      for (let i = 0; i < n; ) {
        const end = batch > 0 ? Math.min(n, i + batch) : n;
        for (; i < end; i++) log.info(MESSAGE, { row: i, bytes: 1234 });
        if (i < n) await nextTurn();
      }
      const t1 = performance.now();
      await root.flush();
      const t2 = performance.now();
      await transport[Symbol.asyncDispose]();
      return { loopMs: t1 - t0, flushMs: t2 - t1 };
    },
    check: (line) => commonProblem(line, line["message"], line["time"], line["level"], "INFO"),
  };
}
const tslogDefault = tslogSubject("tslog", "tslog, hidden + fileTransport (defaults)", { type: "hidden", minLevel: "INFO" });
const tslogNoStack = tslogSubject("tslog-nostack", "tslog, same + stack capture off", { type: "hidden", minLevel: "INFO", stack: { capture: "off" } });

const allSubjects = [wfkitSubject, pinoFast, pinoDefault, pinoSync, tslogDefault, tslogNoStack];
const subjects = ONLY === undefined ? allSubjects : allSubjects.filter((s) => s.name === ONLY);
if (subjects.length === 0) throw new Error(`--only: no logger named ${ONLY}; one of ${allSubjects.map((s) => s.name).join(", ")}`);

interface Verified {
  bytes: number;
  /** Lines whose row is not their line number (every row present once otherwise). */
  outOfOrder: number;
}

/**
 * Read the file back: exactly `n` lines, each valid and complete, rows 0 … n-1 each once; lines
 * out of order are counted apart (no line is lost, but a reader sees them shuffled).
 */
function verify(where: string, subject: Subject, file: string, n: number): Verified {
  const bytes = statSync(file).size;
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  const last = lines.pop();
  if (last !== "") warnings.push(`${where}: file does not end with a newline`);
  if (lines.length !== n) warnings.push(`${where}: ${lines.length} lines in the file, expected ${n}`);
  const seen = new Uint8Array(n);
  let problems = 0;
  let outOfOrder = 0;
  let firstOutOfOrder = -1;
  let duplicates = 0;
  for (let i = 0; i < lines.length; i++) {
    let problem: string | undefined;
    try {
      const line = JSON.parse(lines[i]!) as Record<string, unknown>;
      problem = subject.check(line);
      const row = line["row"];
      if (typeof row !== "number" || !Number.isInteger(row) || row < 0 || row >= n) problem ??= `row is ${JSON.stringify(row)}`;
      else {
        if (seen[row] !== 0) duplicates++;
        seen[row] = 1;
        if (row !== i && outOfOrder++ === 0) firstOutOfOrder = i;
      }
    } catch (error) {
      problem = `not JSON (${(error as Error).message})`;
    }
    if (problem !== undefined && problems++ === 0) warnings.push(`${where}: line ${i + 1}: ${problem}`);
  }
  if (problems > 1) warnings.push(`${where}: ${problems} bad lines in all`);
  const missing = seen.reduce((count, x) => count + (x === 0 ? 1 : 0), 0);
  if (missing > 0 || duplicates > 0) warnings.push(`${where}: ${missing} rows missing, ${duplicates} written twice`);
  if (outOfOrder > 0) warnings.push(`${where}: ${outOfOrder} lines out of order, the first at line ${firstOutOfOrder + 1}`);
  return { bytes, outOfOrder };
}

/** How the lines are issued: all in one synchronous loop, or in batches with an event-loop turn between. */
interface Workload {
  name: string;
  description: string;
  /** Lines per batch; 0 = all at once. */
  batch: number;
  subjects: Subject[];
}
const BATCH = countArg(argv, "--batch", 1000, 1);
const workloads: Workload[] = [
  { name: "loop", description: "one synchronous loop", batch: 0, subjects },
  {
    name: "batches",
    description: `batches of ${BATCH.toLocaleString("en-US")} lines, await setImmediate() between (an async task)`,
    batch: BATCH,
    // tslog is left out here: two orders of magnitude slower, it would only lengthen the run.
    subjects: subjects.filter((s) => !s.name.startsWith("tslog")),
  },
].filter((w) => w.subjects.length > 0);

interface ThroughputResult {
  workload: string;
  name: string;
  label: string;
  linesPerRound: number;
  /** Calls + flush, per round. */
  ms: number[];
  loopMs: number[];
  flushMs: number[];
  bytesPerLine: number;
  medianMs: number;
  p90Ms: number;
  linesPerSecond: number;
  linesPerSecondMin: number;
  linesPerSecondMax: number;
  medianFlushMs: number;
  /** Rounds (warm-up included) whose file had lines out of order. */
  roundsOutOfOrder: number;
}

interface Cell {
  w: Workload;
  s: Subject;
  timings: Timing[];
  sizes: number[];
  roundsOutOfOrder: number;
}

async function throughputRound(c: Cell, round: string, timed: boolean): Promise<void> {
  const file = newFile(c.s.name);
  const timing = await c.s.run(file, c.s.lines, c.w.batch);
  const checked = verify(`${c.s.name}, ${c.w.name}, ${round}`, c.s, file, c.s.lines);
  rmSync(file, { force: true });
  c.sizes.push(checked.bytes);
  if (checked.outOfOrder > 0) c.roundsOutOfOrder++;
  if (timed) c.timings.push(timing);
}

async function measureThroughput(): Promise<ThroughputResult[]> {
  const cells: Cell[] = workloads.flatMap((w) => w.subjects.map((s) => ({ w, s, timings: [], sizes: [], roundsOutOfOrder: 0 })));
  // Warm-up: one untimed round of each.
  for (const c of cells) await throughputRound(c, "warm-up", false);
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < cells.length; k++) await throughputRound(cells[(r + k) % cells.length]!, `round ${r + 1}`, true);
  }
  return cells.map(({ w, s, timings, sizes, roundsOutOfOrder }) => {
    const ms = timings.map((t) => t.loopMs + t.flushMs);
    const rates = ms.map((x) => (s.lines * 1000) / x);
    return {
      workload: w.name,
      name: s.name,
      label: s.label,
      linesPerRound: s.lines,
      ms,
      loopMs: timings.map((t) => t.loopMs),
      flushMs: timings.map((t) => t.flushMs),
      bytesPerLine: median(sizes) / s.lines,
      medianMs: median(ms),
      p90Ms: p90(ms),
      linesPerSecond: (s.lines * 1000) / median(ms),
      linesPerSecondMin: Math.min(...rates),
      linesPerSecondMax: Math.max(...rates),
      medianFlushMs: median(timings.map((t) => t.flushMs)),
      roundsOutOfOrder,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Below the level

interface DebugTarget {
  debug(message: string, fields?: LogFields): void;
}
interface PinoDebugTarget {
  debug(fields: LogFields, message: string): void;
}

// One function per logger, so that each call site stays monomorphic.
function loopFloor(log: DebugTarget, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    log.debug("x", { row: i });
    acc ^= i;
  }
  return acc;
}
function loopWfkit(log: WfLogger, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    log.debug("x", { row: i });
    acc ^= i;
  }
  return acc;
}
function loopPino(log: PinoDebugTarget, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    log.debug({ row: i }, "x");
    acc ^= i;
  }
  return acc;
}
function loopTslog(log: DebugTarget, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    log.debug("x", { row: i });
    acc ^= i;
  }
  return acc;
}

interface BelowSubject {
  name: string;
  label: string;
  iterations: number;
  loop: () => number;
}

interface BelowResult {
  name: string;
  label: string;
  iterations: number;
  nsPerCall: number[];
  medianNs: number;
  p90Ns: number;
  overFloorNs: number;
}

/** xor of 0 … n-1 (what every loop returns when it ran in full). */
const xorUpTo = (n: number) => [n - 1, 1, n, 0][(n - 1) % 4]!;

async function measureBelowLevel(): Promise<BelowResult[]> {
  const floor: DebugTarget = {
    debug(_message: string, _fields?: LogFields): void {},
  };
  const wfFile = newFile("below-wfkit");
  const wfRoot = createLogger({ format: "json", level: "info", destination: { file: wfFile } });
  const wf = wfRoot.child("Extract", TASK).bind(EXTRA);
  const pinoFile = newFile("below-pino");
  const pinoDest = pino.destination({ dest: pinoFile, sync: false, minLength: 4096 });
  await once(pinoDest, "ready");
  const pl = pino({ level: "info" }, pinoDest).child(TASK).child(EXTRA);
  const tsRoot = new Logger({ type: "hidden", minLevel: "INFO" });
  const tsTransport = fileTransport({ path: newFile("below-tslog") });
  tsRoot.attachTransport(tsTransport);
  const ts = tsRoot.getSubLogger({ name: "Extract", bindings: TASK }).getSubLogger({ bindings: EXTRA });

  const tslogIterations = Math.max(1, Math.round(ITERATIONS / 10));
  const below: BelowSubject[] = [
    { name: "floor", label: "floor: empty method of a plain object", iterations: ITERATIONS, loop: () => loopFloor(floor, ITERATIONS) },
    { name: "wfkit", label: "wfkit task logger", iterations: ITERATIONS, loop: () => loopWfkit(wf, ITERATIONS) },
    { name: "pino", label: "pino (child of child)", iterations: ITERATIONS, loop: () => loopPino(pl, ITERATIONS) },
    { name: "tslog", label: "tslog (sub-logger of sub-logger)", iterations: tslogIterations, loop: () => loopTslog(ts, tslogIterations) },
  ];
  const samples = new Map<BelowSubject, number[]>(below.map((b) => [b, []]));
  const time = (b: BelowSubject): number => {
    gc();
    const t0 = performance.now();
    const acc = b.loop();
    const ms = performance.now() - t0;
    if (acc !== xorUpTo(b.iterations)) warnings.push(`below level, ${b.name}: the loop returned ${acc}, expected ${xorUpTo(b.iterations)}`);
    return (ms * 1e6) / b.iterations;
  };
  for (const b of below) time(b); // warm-up
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < below.length; k++) {
      const b = below[(r + k) % below.length]!;
      samples.get(b)!.push(time(b));
    }
  }

  // Nothing below the level may have been written.
  wfRoot.flush();
  pinoDest.flushSync();
  await tsRoot.flush();
  for (const [name, file] of [["wfkit", wfFile], ["pino", pinoFile]] as const) {
    if (statSync(file).size !== 0) warnings.push(`below level, ${name}: debug lines were written`);
  }
  await wfRoot.close();
  pinoDest.end();
  await tsTransport[Symbol.asyncDispose]();

  const floorNs = median(samples.get(below[0]!)!);
  return below.map((b) => {
    const ns = samples.get(b)!;
    return { name: b.name, label: b.label, iterations: b.iterations, nsPerCall: ns, medianNs: median(ns), p90Ns: p90(ns), overFloorNs: median(ns) - floorNs };
  });
}

// ---------------------------------------------------------------------------------------------
// Run

const loadStart = loadavg()[0]!;
let throughput: ThroughputResult[];
let belowLevel: BelowResult[] = [];
try {
  throughput = await measureThroughput();
  if (ONLY === undefined) belowLevel = await measureBelowLevel();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const machine = machineInfo(loadStart);

// ---------------------------------------------------------------------------------------------
// Report

interface Comparison {
  workload: string;
  /** The faster pino set-up in this workload (by median), the one wfkit is compared with. */
  pino: string;
  /** wfkit lines/s / pino lines/s (medians). */
  ratio: number;
  /** pino ms / wfkit ms in each round (run one right after the other): how stable the ratio is. */
  roundRatios: number[];
  met: boolean;
}
const comparisons: Comparison[] = [];
for (const w of workloads) {
  const rows = throughput.filter((t) => t.workload === w.name);
  const wf = rows.find((t) => t.name === "wfkit");
  const pinos = rows.filter((t) => t.name.startsWith("pino")).sort((a, b) => b.linesPerSecond - a.linesPerSecond);
  const best = pinos[0];
  if (wf === undefined || best === undefined) continue;
  const ratio = wf.linesPerSecond / best.linesPerSecond;
  comparisons.push({ workload: w.name, pino: best.name, ratio, roundRatios: wf.ms.map((ms, r) => best.ms[r]! / ms), met: ratio >= TARGET_RATIO });
}
const wfBelow = belowLevel.find((b) => b.name === "wfkit");

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "logging",
        machine,
        settings: { runs: RUNS, lines: LINES, iterations: ITERATIONS, batch: BATCH, boundFields: Object.keys(BOUND).length, only: ONLY ?? null },
        targets: { ratioVsPino: TARGET_RATIO, belowLevelNs: TARGET_BELOW_LEVEL_NS },
        throughput,
        comparisons,
        belowLevel,
        verdicts: {
          throughput: comparisons.find((c) => c.workload === "loop")?.met ?? null,
          belowLevel: wfBelow === undefined ? null : wfBelow.medianNs < TARGET_BELOW_LEVEL_NS,
        },
        warnings,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x: number, digits = 1) => x.toFixed(digits);
  const thousands = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`wfkit logging — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`${RUNS} timed rounds after 1 warm-up, interleaved; ${Object.keys(BOUND).length} bound fields; JSON lines to a file in ${tmpdir()}`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`);
  for (const w of workloads) {
    const c = comparisons.find((x) => x.workload === w.name);
    console.log(`\nThroughput, ${w.description}: info("${MESSAGE}", { row: i, bytes: 1234 }); time = calls + the logger's flush`);
    printTable([
      ["logger", "lines/round", "median ms", "p90 ms", "lines/s (median)", "lines/s min–max", "flush ms", "bytes/line", "shuffled rounds", `vs ${c?.pino ?? "pino"}`],
      ...throughput
        .filter((t) => t.workload === w.name)
        .map((t) => {
          const best = c && throughput.find((x) => x.workload === w.name && x.name === c.pino);
          return [
            t.label,
            thousands(t.linesPerRound),
            f(t.medianMs),
            f(t.p90Ms),
            thousands(t.linesPerSecond),
            `${thousands(t.linesPerSecondMin)}–${thousands(t.linesPerSecondMax)}`,
            f(t.medianFlushMs),
            f(t.bytesPerLine, 0),
            `${t.roundsOutOfOrder}/${RUNS + 1}`,
            best ? `${f(t.linesPerSecond / best.linesPerSecond, 2)}x` : "",
          ];
        }),
    ]);
  }
  console.log("shuffled rounds: rounds (warm-up included) whose file had every line, but not all in the order written");
  if (belowLevel.length > 0) {
    console.log(`\nBelow the level: debug("x", { row: i }) at level info`);
    printTable([
      ["logger", "calls/round", "median ns/call", "p90 ns", "over floor ns"],
      ...belowLevel.map((b) => [b.label, thousands(b.iterations), f(b.medianNs, 2), f(b.p90Ns, 2), b.name === "floor" ? "" : f(b.overFloorNs, 2)]),
    ]);
  }
  console.log("");
  for (const c of comparisons) {
    const range = `per round ${f(Math.min(...c.roundRatios), 2)}–${f(Math.max(...c.roundRatios), 2)}x`;
    const what = c.workload === "loop" ? "throughput (the issue's target)" : `throughput, ${c.workload} (extra)`;
    console.log(`${what}: wfkit / ${c.pino} = ${f(c.ratio, 2)}x (${range}); target >= ${f(TARGET_RATIO, 1)}: ${c.met ? "met" : "NOT met"}`);
  }
  if (wfBelow) {
    console.log(
      `below level: wfkit debug() ${f(wfBelow.medianNs, 2)} ns/call (${f(wfBelow.overFloorNs, 2)} ns over the floor); target < ${TARGET_BELOW_LEVEL_NS} ns: ${wfBelow.medianNs < TARGET_BELOW_LEVEL_NS ? "met" : "NOT met"}`,
    );
  }
  for (const w of warnings) console.log(`warning: ${w}`);
}
