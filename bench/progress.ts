/**
 * Cost of `ProgressTracker.advance()` while the bars presenter is drawing the tree: ns per call
 * against a plain counter increment (the floor) and against cli-progress's `increment()`, all in
 * the same process and the same rounds.
 *
 *   npm run bench:progress                                        # builds dist/, then runs this file; prints the tables
 *   npm run build && npx tsx bench/progress.ts --json             # machine-readable results on stdout
 *   npm run build && npx tsx bench/progress.ts --runs 9           # timed rounds (default 5, at least 3)
 *   npm run build && npx tsx bench/progress.ts --calls 1000000    # calls per case and round (default 10,000,000)
 *   npm run build && npx tsx bench/progress.ts --chunk 10000      # calls between event-loop turns (default 100,000)
 *   npm run build && npx tsx bench/progress.ts --long-calls 1000000000  # calls of the long extra (default 10 × --calls)
 *   npm run build && npx tsx bench/progress.ts --refresh-ms 100   # the presenter's redraw interval (default 16)
 *   node --cpu-prof --import tsx bench/progress.ts --only wfkit   # wfkit's rounds alone, to profile them
 *
 * Every subject makes the same number of calls (10M) in the same loop shape: chunks of 100,000
 * calls with `await setImmediate()` between, so that timers run while the loop does — wfkit's
 * redraws and cli-progress's alike; the time of those redraws is inside the measured time. The
 * terminal is a sink, `{ write, isTTY: true, columns: 120 }`, that counts what it is given and
 * discards it. Subjects, per case:
 *
 *   wfkit         a tree shaped like a run's (run -> task -> …), shown by
 *                   startProgress(run, compileProgressOptions({ mode: "bars", stream: sink, refreshMs: 16 }));
 *                   leaf.advance() per call. 16 ms is the fastest redraw the options allow (the
 *                   default is 100 ms): the most rendering per call, and frames even in a loop
 *                   of 20 ms. Presenter start and stop are outside the timer.
 *   floor         `counter.n += 1` on a plain object; the count is checked afterwards.
 *   cli-progress  a SingleBar (case 1) or a MultiBar with as many bars as wfkit draws rows,
 *                   Presets.shades_classic, default fps (10), on the same kind of sink;
 *                   bar.increment() per call on the bar of the leaf.
 *
 * Cases:
 *
 *   one tracker     run -> task -> rows (10M); advance() on rows
 *   three deep      run -> task -> a -> b -> c (10M); advance() on c (a and b sum c's count)
 *   three deep + metric (extra)  the same, advance() + metric("bytes", 512) per call; floor: two
 *                   field increments; cli-progress: increment(1, { bytes }) with {bytes} in its format
 *   8 updaters      run -> task -> 8 trackers; 8 async functions, each advancing its own tracker
 *                   1.25M times in the same chunked loop, run with Promise.all; ns per call =
 *                   total time / 10M. Floor: 8 counters; cli-progress: one bar each
 *   extras, wfkit only (compared with case 1's floor and cli-progress): one tracker with the
 *                   default refreshMs (100); with no presenter at all (mode "off"); and with 100M
 *                   calls instead of 10M (10M take some 20 ms: one or two frames; 100M, a dozen)
 *
 * After each round the counts are checked exactly (tracker.completed, bar.value, counter.n) and
 * the benchmark throws if one is off. Rendering is checked too: the frames drawn during the
 * timed loop (wfkit: the writes that draw the run's row, which every frame has; cli-progress:
 * its redraw-post events) and the distinct intermediate counts ("1,200/10,000,000") that reached
 * the sink; a main case whose wfkit rounds drew nothing is reported as not valid (exit code 1).
 *
 * Rounds are interleaved (the order rotating) so that load from other processes hits all
 * subjects alike; medians and the best round are reported. It imports "wfkit" as a user would,
 * i.e. the built dist/.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";
import cliProgress from "cli-progress";
import { ProgressTracker } from "wfkit";
import { compileProgressOptions, startProgress, type ProgressPresenter } from "wfkit/engine";
import { countArg, stringArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

// ---------------------------------------------------------------------------------------------
// Settings

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 5, 3);
const CALLS = countArg(argv, "--calls", 10_000_000, 80_000);
const CHUNK = countArg(argv, "--chunk", 100_000, 1_000);
const REFRESH_MS = countArg(argv, "--refresh-ms", 16, 16);
const ONLY = stringArg(argv, "--only");
/** The extra long loop: many frames instead of one or two. */
const LONG_CALLS = countArg(argv, "--long-calls", 10 * CALLS, CALLS);
const UPDATERS = 8;
const PER_UPDATER = Math.floor(CALLS / UPDATERS);
/** Targets from the issue. */
const TARGET_NS = 20;
const TARGET_VS_CLI = 10;

// A forced GC before each timed section keeps one section's garbage out of the next one's time.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const warnings: string[] = [];

// ---------------------------------------------------------------------------------------------
// The terminal: a sink that counts and discards

/** The run's title: wfkit draws the run's row once in every frame. */
const RUN_TITLE = "csv_to_report_etl_orders";
/** A "done/total" count as drawn: wfkit's `1,200/10,000,000`, cli-progress's `1200/10000000`. */
const COUNT = /(\d[\d,]*)\/(\d[\d,]*)/g;

class TerminalSink {
  readonly isTTY = true as const;
  readonly columns = 120;
  writes = 0;
  chars = 0;
  /** Writes that draw the run's row: wfkit's frames. */
  runRows = 0;
  /** Every distinct "done/total" pair written. */
  readonly counts = new Set<string>();

  write(text: string): boolean {
    this.writes++;
    this.chars += text.length;
    if (text.length >= 8) {
      if (text.includes(RUN_TITLE)) this.runRows++;
      for (const m of text.matchAll(COUNT)) this.counts.add(m[0]);
    }
    return true;
  }

  /** Distinct counts drawn with 0 < done < total, for a total in `totals`: drawn mid-loop. */
  intermediate(totals: readonly number[]): number {
    let n = 0;
    for (const pair of this.counts) {
      const [done, total] = pair.split("/").map((x) => Number(x.replaceAll(",", ""))) as [number, number];
      if (totals.includes(total) && done > 0 && done < total) n++;
    }
    return n;
  }
}

// ---------------------------------------------------------------------------------------------
// The loops. One function per kind of target, all the same shape, so that every call site sees
// one class. The 8 updaters of case 3 are 8 concurrent calls of the same function.

interface Counter {
  n: number;
  bytes: number;
}

async function floorLoop(c: Counter, n: number, chunk: number): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) c.n += 1;
    if (i < n) await nextTurn();
  }
}
async function floorMetricLoop(c: Counter, n: number, chunk: number): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) {
      c.n += 1;
      c.bytes += 512;
    }
    if (i < n) await nextTurn();
  }
}
async function advanceLoop(t: ProgressTracker, n: number, chunk: number): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) t.advance();
    if (i < n) await nextTurn();
  }
}
async function advanceMetricLoop(t: ProgressTracker, n: number, chunk: number): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) {
      t.advance();
      t.metric("bytes", 512);
    }
    if (i < n) await nextTurn();
  }
}
async function singleBarLoop(bar: cliProgress.SingleBar, n: number, chunk: number): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) bar.increment();
    if (i < n) await nextTurn();
  }
}
/** A MultiBar's bar: a GenericBar (typed as SingleBar by MultiBar.create). */
async function multiBarLoop(bar: cliProgress.GenericBar, n: number, chunk: number): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) bar.increment();
    if (i < n) await nextTurn();
  }
}
async function multiBarPayloadLoop(bar: cliProgress.GenericBar, n: number, chunk: number): Promise<void> {
  let bytes = 0;
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + chunk);
    for (; i < end; i++) {
      bytes += 512;
      bar.increment(1, { bytes });
    }
    if (i < n) await nextTurn();
  }
}

// ---------------------------------------------------------------------------------------------
// Subjects

type Kind = "wfkit" | "floor" | "cli-progress";
const KINDS: readonly Kind[] = ["wfkit", "floor", "cli-progress"];

/** One subject set up for one round; only `run` is timed. */
interface Prepared {
  run(): Promise<void>;
  /** Frames drawn so far, and characters written. */
  frames(): number;
  chars(): number;
  /** After the timer: stop drawing, check the counts (throws when one is off). */
  finish(): void;
  /** Distinct intermediate counts that reached the terminal. */
  intermediate(): number;
}

interface Case {
  id: string;
  label: string;
  extra: boolean;
  /** Calls per round, by every subject of the case. */
  calls: number;
  /** Extras have no floor or cli-progress of their own: they are compared with this case's. */
  compareWith?: string;
  subjects: Partial<Record<Kind, () => Promise<Prepared>>>;
}

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what} is ${String(actual)}, expected ${String(expected)}: the benchmark did not make the calls it claims`);
}

/** A run's tree as prepareRun and taskTracker make it: the run counts tasks, the task sums its children. */
function runTree(): { root: ProgressTracker; task: ProgressTracker } {
  const root = new ProgressTracker(RUN_TITLE, 1, { unit: "tasks" });
  return { root, task: root.child("Extract") };
}

function show(root: ProgressTracker, mode: "bars" | "off", refreshMs: number): { sink: TerminalSink; presenter: ProgressPresenter } {
  const sink = new TerminalSink();
  const options = compileProgressOptions({ mode, stream: sink, refreshMs });
  if (options.mode !== mode) throw new Error(`compileProgressOptions gave mode ${options.mode}, not ${mode}`);
  return { sink, presenter: startProgress(root, options) };
}

function wfkitPrepared(sink: TerminalSink, presenter: ProgressPresenter, totals: number[], run: () => Promise<void>, check: () => void): Prepared {
  return {
    run,
    frames: () => sink.runRows,
    chars: () => sink.chars,
    finish() {
      presenter.stop();
      check();
    },
    intermediate: () => sink.intermediate(totals),
  };
}

/** Case 1 and its extras: run -> task -> rows; advance() on rows. */
function wfkitOne(mode: "bars" | "off", refreshMs: number, calls = CALLS): () => Promise<Prepared> {
  return async () => {
    const { root, task } = runTree();
    const rows = task.child("rows", calls, { unit: "rows" });
    const { sink, presenter } = show(root, mode, refreshMs);
    return wfkitPrepared(
      sink,
      presenter,
      [calls],
      () => advanceLoop(rows, calls, CHUNK),
      () => {
        expect("rows.completed", rows.completed, calls);
        expect("task.completed", task.completed, calls);
      },
    );
  };
}

/** Case 2: run -> task -> a -> b -> c; advance() (and metric()) on c. */
function wfkitDeep(withMetric: boolean): () => Promise<Prepared> {
  return async () => {
    const { root, task } = runTree();
    const a = task.child("files");
    const b = a.child("orders.csv");
    const c = b.child("rows", CALLS, { unit: "rows" });
    const { sink, presenter } = show(root, "bars", REFRESH_MS);
    return wfkitPrepared(
      sink,
      presenter,
      [CALLS],
      () => (withMetric ? advanceMetricLoop(c, CALLS, CHUNK) : advanceLoop(c, CALLS, CHUNK)),
      () => {
        expect("c.completed", c.completed, CALLS);
        expect("a.completed", a.completed, CALLS);
        expect("task.completed", task.completed, CALLS);
        if (withMetric) expect("task.metrics().bytes", task.metrics()["bytes"], 512 * CALLS);
      },
    );
  };
}

/** Case 3: run -> task -> 8 trackers, 8 concurrent updaters. */
async function wfkitParallel(): Promise<Prepared> {
  const { root, task } = runTree();
  const parts = Array.from({ length: UPDATERS }, (_, k) => task.child(`part-${k}`, PER_UPDATER, { unit: "rows" }));
  const { sink, presenter } = show(root, "bars", REFRESH_MS);
  return wfkitPrepared(
    sink,
    presenter,
    [PER_UPDATER],
    async () => {
      await Promise.all(parts.map((t) => advanceLoop(t, PER_UPDATER, CHUNK)));
    },
    () => {
      parts.forEach((t, k) => expect(`part-${k}.completed`, t.completed, PER_UPDATER));
      expect("task.completed", task.completed, PER_UPDATER * UPDATERS);
    },
  );
}

function floorPrepared(run: (c: Counter[]) => Promise<void>, counters: number, perCounter: number, withBytes = false): () => Promise<Prepared> {
  return async () => {
    const cs: Counter[] = Array.from({ length: counters }, () => ({ n: 0, bytes: 0 }));
    return {
      run: () => run(cs),
      frames: () => 0,
      chars: () => 0,
      finish() {
        cs.forEach((c, k) => {
          expect(`counter ${k}`, c.n, perCounter);
          if (withBytes) expect(`counter ${k} bytes`, c.bytes, 512 * perCounter);
        });
      },
      intermediate: () => 0,
    };
  };
}

const CLI_PRESET = cliProgress.Presets.shades_classic;
/** A bar's current value (not in cli-progress's type declarations). */
const barValue = (bar: cliProgress.GenericBar) => (bar as unknown as { value: number }).value;

/** Case 1: a SingleBar, as cli-progress's README starts. */
async function cliSingle(): Promise<Prepared> {
  const sink = new TerminalSink();
  const bar = new cliProgress.SingleBar({ stream: sink as unknown as NodeJS.WritableStream }, CLI_PRESET);
  let frames = 0;
  bar.on("redraw-post", () => frames++);
  bar.start(CALLS, 0);
  return {
    run: () => singleBarLoop(bar, CALLS, CHUNK),
    frames: () => frames,
    chars: () => sink.chars,
    finish() {
      bar.stop();
      expect("bar.value", barValue(bar), CALLS);
    },
    intermediate: () => sink.intermediate([CALLS]),
  };
}

/**
 * Cases 2 and 3: a MultiBar with one bar per row wfkit draws (cli-progress has no tree: the
 * bars above the leaf are not moved, which only spares cli-progress work).
 */
function cliMulti(totals: number[], leaves: number[], perLeaf: number, payload: boolean): () => Promise<Prepared> {
  return async () => {
    const sink = new TerminalSink();
    const format = payload ? "progress [{bar}] {percentage}% | ETA: {eta}s | {value}/{total} | bytes={bytes}" : undefined;
    const multibar = new cliProgress.MultiBar({ stream: sink as unknown as NodeJS.WritableStream, ...(format ? { format } : {}) }, CLI_PRESET);
    let frames = 0;
    multibar.on("redraw-post", () => frames++);
    const bars = totals.map((total) => multibar.create(total, 0, { bytes: 0 }));
    const moved = leaves.map((i) => bars[i]!);
    return {
      async run() {
        if (payload) await multiBarPayloadLoop(moved[0]!, perLeaf, CHUNK);
        else if (moved.length === 1) await multiBarLoop(moved[0]!, perLeaf, CHUNK);
        else await Promise.all(moved.map((bar) => multiBarLoop(bar, perLeaf, CHUNK)));
      },
      frames: () => frames,
      chars: () => sink.chars,
      finish() {
        multibar.stop();
        moved.forEach((bar, k) => expect(`bar ${k}.value`, barValue(bar), perLeaf));
      },
      intermediate: () => sink.intermediate([perLeaf]),
    };
  };
}

const allCases: Case[] = [
  {
    id: "one",
    label: "one tracker (run > task > rows)",
    extra: false,
    calls: CALLS,
    subjects: {
      wfkit: wfkitOne("bars", REFRESH_MS),
      floor: floorPrepared((cs) => floorLoop(cs[0]!, CALLS, CHUNK), 1, CALLS),
      "cli-progress": cliSingle,
    },
  },
  {
    id: "deep",
    label: "three deep (run > task > a > b > c)",
    extra: false,
    calls: CALLS,
    subjects: {
      wfkit: wfkitDeep(false),
      floor: floorPrepared((cs) => floorLoop(cs[0]!, CALLS, CHUNK), 1, CALLS),
      "cli-progress": cliMulti([1, CALLS, CALLS, CALLS, CALLS], [4], CALLS, false),
    },
  },
  {
    id: "deep-metric",
    label: "three deep, advance() + metric() (extra)",
    extra: true,
    calls: CALLS,
    subjects: {
      wfkit: wfkitDeep(true),
      floor: floorPrepared((cs) => floorMetricLoop(cs[0]!, CALLS, CHUNK), 1, CALLS, true),
      "cli-progress": cliMulti([1, CALLS, CALLS, CALLS, CALLS], [4], CALLS, true),
    },
  },
  {
    id: "parallel",
    label: `${UPDATERS} parallel async updaters`,
    extra: false,
    calls: PER_UPDATER * UPDATERS,
    subjects: {
      wfkit: wfkitParallel,
      floor: floorPrepared(async (cs) => void (await Promise.all(cs.map((c) => floorLoop(c, PER_UPDATER, CHUNK)))), UPDATERS, PER_UPDATER),
      "cli-progress": cliMulti(
        [1, PER_UPDATER * UPDATERS, ...Array.from({ length: UPDATERS }, () => PER_UPDATER)],
        Array.from({ length: UPDATERS }, (_, k) => k + 2),
        PER_UPDATER,
        false,
      ),
    },
  },
  {
    id: "one-default-refresh",
    label: "one tracker, refreshMs 100 (default; extra)",
    extra: true,
    calls: CALLS,
    compareWith: "one",
    subjects: { wfkit: wfkitOne("bars", 100) },
  },
  {
    id: "one-no-presenter",
    label: "one tracker, no presenter (mode off; extra)",
    extra: true,
    calls: CALLS,
    compareWith: "one",
    subjects: { wfkit: wfkitOne("off", REFRESH_MS) },
  },
  {
    id: "one-long",
    label: `one tracker, ${LONG_CALLS / 1e6}M calls (extra)`,
    extra: true,
    calls: LONG_CALLS,
    compareWith: "one",
    subjects: { wfkit: wfkitOne("bars", REFRESH_MS, LONG_CALLS) },
  },
];
if (ONLY !== undefined && !(KINDS as readonly string[]).includes(ONLY)) throw new Error(`--only: one of ${KINDS.join(", ")}, not ${ONLY}`);

// ---------------------------------------------------------------------------------------------
// Measure

interface Sample {
  ns: number;
  /** Frames drawn while the loop ran. */
  frames: number;
  /** Characters written to the terminal while the loop ran. */
  chars: number;
  /** Distinct intermediate counts drawn. */
  counts: number;
}

interface Cell {
  c: Case;
  kind: Kind;
  prepare: () => Promise<Prepared>;
  calls: number;
  samples: Sample[];
}

async function round(cell: Cell): Promise<Sample> {
  const p = await cell.prepare();
  gc();
  const f0 = p.frames();
  const c0 = p.chars();
  const t0 = performance.now();
  await p.run();
  const ms = performance.now() - t0;
  const frames = p.frames() - f0;
  const chars = p.chars() - c0;
  p.finish();
  return { ns: (ms * 1e6) / cell.calls, frames, chars, counts: p.intermediate() };
}

const loadStart = loadavg()[0]!;
const cells: Cell[] = allCases.flatMap((c) =>
  KINDS.filter((kind) => c.subjects[kind] !== undefined && (ONLY === undefined || kind === ONLY)).map((kind) => ({
    c,
    kind,
    prepare: c.subjects[kind]!,
    calls: c.calls,
    samples: [],
  })),
);
// Warm-up: one untimed round of each.
for (const cell of cells) await round(cell);
for (let r = 0; r < RUNS; r++) {
  for (let k = 0; k < cells.length; k++) {
    const cell = cells[(r + k) % cells.length]!;
    cell.samples.push(await round(cell));
  }
}
const machine = machineInfo(loadStart);

// ---------------------------------------------------------------------------------------------
// Report

interface KindResult {
  nsPerCall: number[];
  medianNs: number;
  bestNs: number;
  /** Medians over the rounds. */
  framesDuringLoop: number;
  charsDuringLoop: number;
  countsDrawn: number;
}

interface CaseResult {
  id: string;
  label: string;
  extra: boolean;
  calls: number;
  comparedWith: string;
  wfkit?: KindResult;
  floor?: KindResult;
  cliProgress?: KindResult;
  /** Median wfkit / median floor. */
  wfkitOverFloor?: number;
  /** Median cli-progress / median wfkit, and the same per round (same round, one after the other). */
  cliOverWfkit?: number;
  cliOverWfkitRounds?: number[];
  /** A main case whose wfkit loop drew frames in every round (extras: informative only). */
  rendered?: boolean;
  targets?: { under20ns: boolean; tenTimesCli: boolean | null };
}

function kindResult(c: Case, kind: Kind): KindResult | undefined {
  const cell = cells.find((x) => x.c === c && x.kind === kind);
  if (cell === undefined || cell.samples.length === 0) return undefined;
  const ns = cell.samples.map((s) => s.ns);
  return {
    nsPerCall: ns,
    medianNs: median(ns),
    bestNs: Math.min(...ns),
    framesDuringLoop: median(cell.samples.map((s) => s.frames)),
    charsDuringLoop: median(cell.samples.map((s) => s.chars)),
    countsDrawn: median(cell.samples.map((s) => s.counts)),
  };
}

const results: CaseResult[] = allCases.map((c) => {
  const base = allCases.find((x) => x.id === (c.compareWith ?? c.id))!;
  const wfkit = kindResult(c, "wfkit");
  const floor = kindResult(base, "floor");
  const cli = kindResult(base, "cli-progress");
  const result: CaseResult = { id: c.id, label: c.label, extra: c.extra, calls: c.calls, comparedWith: base.id };
  if (wfkit) result.wfkit = wfkit;
  if (floor) result.floor = floor;
  if (cli) result.cliProgress = cli;
  if (wfkit && floor) result.wfkitOverFloor = wfkit.medianNs / floor.medianNs;
  if (wfkit && cli) {
    result.cliOverWfkit = cli.medianNs / wfkit.medianNs;
    if (base === c) result.cliOverWfkitRounds = wfkit.nsPerCall.map((ns, r) => cli.nsPerCall[r]! / ns);
  }
  if (wfkit) {
    const cell = cells.find((x) => x.c === c && x.kind === "wfkit")!;
    if (c.id !== "one-no-presenter") result.rendered = cell.samples.every((s) => s.frames > 0);
    if (!c.extra && !result.rendered) warnings.push(`${c.label}: wfkit's presenter drew nothing during the loop in some rounds (frames per round: ${cell.samples.map((s) => s.frames).join(", ")}): not a valid measurement`);
    result.targets = { under20ns: wfkit.medianNs < TARGET_NS, tenTimesCli: result.cliOverWfkit === undefined ? null : result.cliOverWfkit >= TARGET_VS_CLI };
  }
  return result;
});
const invalid = results.some((r) => !r.extra && r.rendered === false);
const main = results.filter((r) => !r.extra && r.targets !== undefined);
const allMet = main.length > 0 && main.every((r) => r.targets!.under20ns && r.targets!.tenTimesCli !== false);

if (json) {
  console.log(
    JSON.stringify(
      {
        benchmark: "progress",
        machine,
        settings: { runs: RUNS, calls: CALLS, longCalls: LONG_CALLS, chunk: CHUNK, refreshMs: REFRESH_MS, updaters: UPDATERS, only: ONLY ?? null },
        targets: { nsPerCall: TARGET_NS, timesCheaperThanCliProgress: TARGET_VS_CLI },
        results,
        verdicts: { valid: !invalid, allMet },
        warnings,
      },
      null,
      2,
    ),
  );
} else {
  const f = (x: number | undefined, digits = 2) => (x === undefined ? "" : x.toFixed(digits));
  const nsCell = (k: KindResult | undefined) => (k === undefined ? "" : `${f(k.medianNs)} (${f(k.bestNs)})`);
  const thousands = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`wfkit progress — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform}`);
  console.log(
    `${RUNS} timed rounds after 1 warm-up, interleaved; ${thousands(CALLS)} calls per case and round, await setImmediate() every ${thousands(CHUNK)} calls; wfkit bars refreshMs ${REFRESH_MS}, cli-progress default fps (10); terminal: a 120-column TTY sink`,
  );
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`);
  console.log(`\nns per call, median (best round); extras without a floor or cli-progress of their own are compared with case 1's`);
  printTable([
    ["case", "wfkit", "floor", "cli-progress", "wfkit − floor", "wfkit/floor", "cli-progress/wfkit", "per round", `< ${TARGET_NS} ns`, `>= ${TARGET_VS_CLI}x`],
    ...results.map((r) => [
      r.label,
      nsCell(r.wfkit),
      r.comparedWith === r.id ? nsCell(r.floor) : "",
      r.comparedWith === r.id ? nsCell(r.cliProgress) : "",
      r.wfkit && r.floor ? f(r.wfkit.medianNs - r.floor.medianNs) : "",
      r.wfkitOverFloor === undefined ? "" : `${f(r.wfkitOverFloor, 1)}x`,
      r.cliOverWfkit === undefined ? "" : `${f(r.cliOverWfkit, 1)}x`,
      r.cliOverWfkitRounds === undefined ? "" : `${f(Math.min(...r.cliOverWfkitRounds), 1)}–${f(Math.max(...r.cliOverWfkitRounds), 1)}x`,
      r.targets === undefined ? "" : r.targets.under20ns ? "met" : "NOT met",
      r.targets?.tenTimesCli == null ? "" : r.targets.tenTimesCli ? "met" : "NOT met",
    ]),
  ]);
  console.log(`\nRendering while the loop ran (medians per round): frames drawn, characters written, distinct intermediate counts drawn`);
  printTable([
    ["case", "wfkit frames", "wfkit chars", "wfkit counts", "cli-progress frames", "cli-progress chars", "cli-progress counts"],
    ...results.map((r) => {
      const own = r.comparedWith === r.id;
      return [
        r.label,
        r.wfkit ? thousands(r.wfkit.framesDuringLoop) : "",
        r.wfkit ? thousands(r.wfkit.charsDuringLoop) : "",
        r.wfkit ? thousands(r.wfkit.countsDrawn) : "",
        own && r.cliProgress ? thousands(r.cliProgress.framesDuringLoop) : "",
        own && r.cliProgress ? thousands(r.cliProgress.charsDuringLoop) : "",
        own && r.cliProgress ? thousands(r.cliProgress.countsDrawn) : "",
      ];
    }),
  ]);
  console.log(`\nEvery round, ns per call`);
  printTable([
    ["case", "subject", ...Array.from({ length: RUNS }, (_, r) => `round ${r + 1}`)],
    ...cells.map((cell) => [cell.c.label, cell.kind, ...cell.samples.map((s) => f(s.ns))]),
  ]);
  console.log("");
  if (invalid) console.log("NOT VALID: wfkit's presenter drew nothing during the loop of a main case (see the warnings)");
  for (const r of main) {
    console.log(
      `${r.label}: wfkit advance() ${f(r.wfkit!.medianNs)} ns/call; target < ${TARGET_NS} ns: ${r.targets!.under20ns ? "met" : "NOT met"}` +
        (r.cliOverWfkit === undefined ? "" : `; cli-progress / wfkit = ${f(r.cliOverWfkit, 1)}x, target >= ${TARGET_VS_CLI}x: ${r.targets!.tenTimesCli ? "met" : "NOT met"}`),
    );
  }
  for (const w of warnings) console.log(`warning: ${w}`);
}
if (invalid) process.exitCode = 1;
