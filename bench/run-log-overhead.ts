/**
 * What the file run log costs the local engine, per task.
 *
 *   npx tsx bench/run-log-overhead.ts            # prints a table
 *   npx tsx bench/run-log-overhead.ts --runs 9   # timed runs per shape and setting (default 15: the cost is a few per cent of a noisy whole)
 *
 * The local engine's benchmark workflows (bench/support/local-engine-measure.ts: a chain of
 * 10,000 no-op tasks, and a fan-out of 10,000 between a root and a sink) run with `runLocal`,
 * alternately with the run log on (`WF_RUN_LOG=file`, the default: a `run` record, then two
 * task actions per task and the run's end appended to `<home>/run-log/<day>/<host>.jsonl`) and
 * off (`runLog: { store: "off" }`, the floor), in the same process, rounds interleaved so that
 * drift hits both alike. Cost per task = median over rounds of (on - off) / tasks. Target: at most
 * 5 µs per task. It imports the built dist/ (`npm run build` first). Never fails: it reports.
 */
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { EngineBench, loadBuild } from "./support/local-engine-measure.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

const TARGET_US = 5;
const runs = countArg(process.argv, "--runs", 15, 3);
const loadStart = loadavg()[0]!;
const build = await loadBuild(path.resolve(fileURLToPath(new URL("..", import.meta.url))));
const on = new EngineBench(build);
const off = new EngineBench(build, "wall", { runLog: { store: "off" } });

const rows = [["shape", "tasks", "run log off ms", "run log on ms", "cost µs/task", `≤ ${TARGET_US} µs`]];
for (const name of ["chain", "fan-out"]) {
  const a = off.shape(name);
  const b = on.shape(name);
  await off.warmUp(a);
  await on.warmUp(b);
  const offMs: number[] = [];
  const onMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first.
    if (i % 2 === 0) {
      offMs.push(await off.engine(a));
      onMs.push(await on.engine(b));
    } else {
      onMs.push(await on.engine(b));
      offMs.push(await off.engine(a));
    }
  }
  // The median of each round's difference: the machine's speed drifts between rounds (a whole
  // run's time moved by 30 % here), and a pair run back to back shares the drift.
  const cost = (median(onMs.map((ms, i) => ms - offMs[i]!)) * 1000) / a.tasks;
  rows.push([name, String(a.tasks), median(offMs).toFixed(1), median(onMs).toFixed(1), cost.toFixed(2), cost <= TARGET_US ? "yes" : "NO"]);
}
const warnings = [...off.close(), ...on.close()];
const m = machineInfo(loadStart);
console.log(`wfkit file run log cost on the local engine — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel})`);
console.log(`median of ${runs} timed runs per shape and setting after 1 warm-up, interleaved; 1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
console.log("");
printTable(rows);
for (const warning of warnings) console.log(`warning: ${warning}`);
