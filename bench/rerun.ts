/**
 * How soon a re-run of a long failed run gets to the task that failed.
 *
 *   npx tsx bench/rerun.ts            # prints a table
 *   npx tsx bench/rerun.ts --runs 9   # timed re-runs (default 5)
 *
 * A chain of 10,000 no-op tasks whose task 9,999 fails runs once with `runLocal` into a temp
 * WF_HOME (file run log, file catalog; every task puts a 16-byte JSON value in the catalog, so
 * that every reused task carries an entry). Then, each round: `runLocal(chain, { rerun })` with
 * the failure fixed, timed from the call to the `task.started` event of task 9,999 (what the
 * issue asks: within 1 s; the reuse decision must not be quadratic), beside:
 * - the peer, the same run started from scratch (what re-running was before: 9,998 tasks run
 *   again before task 9,999 starts), to its `task.started` of task 9,999;
 * - the floor, reading the original run from the run log (`openRunLog().run(id)`), which every
 *   re-run must do, and a fresh one-task run to its `task.started` (opening any run).
 * It imports the built dist/ (`npm run build` first). Never fails: it reports.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openRunLog, TaskBase, Workflow, type TaskClass, type WfEvent } from "wfkit";
import { createLogger } from "wfkit/engine";
import { runLocal } from "wfkit/local";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

const TASKS = 10_000;
const FAILING = TASKS - 2; // index of task 9,999
const TARGET_MS = 1000;
const runs = countArg(process.argv, "--runs", 5, 1);
const loadStart = loadavg()[0]!;
const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-rerun-"));
// The peer's and the one-task runs record elsewhere: their records would make the original's
// day of the run log longer with every round, and the re-run reads that day.
const otherHome = mkdtempSync(path.join(tmpdir(), "wfkit-bench-rerun-peer-"));
const logger = createLogger({ level: "error", destination: () => {} });
let broken = true;

const pad = (i: number) => String(i + 1).padStart(5, "0");
/** The chain; every task puts one JSON value under its own name. */
function chainWithOutputs(): Workflow {
  const wf = new Workflow({ category: "bench", detail: "rerun", version: "1.0.0" });
  let previous: TaskClass | undefined;
  for (let i = 0; i < TASKS; i++) {
    const name = `T${pad(i)}`;
    const fails = i === FAILING;
    const cls = {
      [name]: class extends TaskBase {
        override async run(): Promise<void> {
          if (fails && broken) throw new Error("the bug the re-run's user fixed");
          await this.catalog.put(`out-${name}`, { value: { task: name } });
        }
      },
    }[name]! as unknown as TaskClass;
    wf.addNode(cls, previous === undefined ? {} : { upstreams: previous });
    previous = cls;
  }
  return wf;
}

/** Milliseconds from now until `task` starts in the run `start` begins; the run is awaited to its end. */
async function untilStarted(task: string, start: (onEvent: (e: WfEvent) => void) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let at: number | undefined;
  await start((e) => {
    if (at === undefined && e.data.action === "task.started" && e.data.task === task) at = performance.now();
  });
  if (at === undefined) throw new Error(`${task} never started`);
  return at - t0;
}

const workflow = chainWithOutputs();
const target = `T${pad(FAILING)}`;
const options = { home, logger, progress: "off" as const, env: {}, retryDelaySeconds: 0 };
const first = await runLocal(workflow, options);
if (first.status !== "failed") throw new Error(`the first run ${first.status}; expected failed`);
broken = false;

const one = new Workflow({ category: "bench", detail: "one", version: "1.0.0" });
one.addNode(class Only extends TaskBase {
  override run(): void {}
});

const rerunMs: number[] = [];
const scratchMs: number[] = [];
const readMs: number[] = [];
const openMs: number[] = [];
let reused = 0;
for (let i = 0; i < runs; i++) {
  rerunMs.push(
    await untilStarted(target, async (onEvent) => {
      const result = await runLocal(workflow, { ...options, onEvent, rerun: { runId: first.runId } });
      reused = result.tasks.filter((t) => t.status === "reused").length;
    }),
  );
  scratchMs.push(await untilStarted(target, (onEvent) => runLocal(workflow, { ...options, home: otherHome, onEvent })));
  const t0 = performance.now();
  const log = await openRunLog({ home, env: {} });
  await log.run(first.runId, { dagId: first.dagId });
  await log.close();
  readMs.push(performance.now() - t0);
  openMs.push(await untilStarted("Only", (onEvent) => runLocal(one, { ...options, home: otherHome, onEvent })));
}
rmSync(home, { recursive: true, force: true });
rmSync(otherHome, { recursive: true, force: true });

const m = machineInfo(loadStart);
console.log(`wfkit re-run of a ${TASKS}-task chain that failed at task ${FAILING + 1} — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel})`);
console.log(`median of ${runs} rounds; ${reused} tasks reused per re-run, each carrying one JSON catalog entry; 1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
console.log("");
const r = median(rerunMs);
printTable([
  ["what", "ms to task 9,999's start", `target ≤ ${TARGET_MS} ms`],
  ["re-run (runLocal with rerun)", r.toFixed(0), r <= TARGET_MS ? "yes" : "NO"],
  ["peer: the same run from scratch", median(scratchMs).toFixed(0), `re-run ${(median(scratchMs) / r).toFixed(1)}× sooner`],
  ["floor: read the original run (openRunLog().run)", median(readMs).toFixed(0), ""],
  ["floor: open a one-task run to its task's start", median(openMs).toFixed(1), ""],
]);
