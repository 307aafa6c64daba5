/**
 * wfkit's file run log against its named peer, the file-system run-log store of runnable
 * (magnus's successor, from PyPI), on the same record count.
 *
 *   npx tsx bench/run-log-peer.ts              # prints a table
 *   npx tsx bench/run-log-peer.ts --runs 9     # timed listings (default 7)
 *
 * Both record 10,000 runs of a 3-task workflow, 8 writes a run: wfkit its `run` record and the
 * status events that stand for each task's `run` and `success` actions and the run's end,
 * through the writer the run lifecycle uses (bench/support/run-log-data.ts), each written at once
 * as a worker writes `task.started`; runnable its run log created, each step log added when the
 * step starts and again when it ends, and the run's status set, as its executor does
 * (bench/runnable/run_log_peer.py: its FileSystemRunLogstore keeps a JSON file per run and
 * rewrites it at every write). Then each lists the 20 newest runs: wfkit with
 * `openRunLog().runs({ limit: 20 })`, runnable, which has no query, by the folder's files newest
 * first, each run log read back. runnable runs in a venv built from bench/runnable/
 * requirements.txt (pinned; cached like the tests' venvs); without Python or PyPI it says so
 * and exits 0. Needs dist/ (`npm run build`). A benchmark: it reports, never fails.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openRunLog } from "wfkit";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { allRecords, RUNS, store } from "./support/run-log-data.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";
import { ensureVenv } from "../test/support/python-venv.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const reps = countArg(process.argv, "--runs", 7, 3);
const loadStart = loadavg()[0]!;

const venv = await ensureVenv({ group: "bench", name: "runnable", requirementsFile: path.join(here, "runnable", "requirements.txt") });
if (!venv.ok) {
  console.log(`run-log-peer: skipped: no runnable venv: ${venv.reason}`);
  process.exit(0);
}

interface Row {
  subject: string;
  writeS: number;
  listMs: number;
}

async function wfkit(): Promise<Row> {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-peer-"));
  try {
    const records = allRecords(1);
    const t0 = performance.now();
    await store(records, "file", home, true);
    const writeS = (performance.now() - t0) / 1000;
    const log = await openRunLog({ home, store: "file", env: {} });
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const runs = await log.runs({ limit: 20 });
      ms.push(performance.now() - t);
      if (runs.length !== 20) throw new Error(`listed ${runs.length} runs`);
    }
    await log.close();
    return { subject: "wfkit (file)", writeS, listMs: median(ms) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function runnable(python: string): Row {
  const folder = mkdtempSync(path.join(tmpdir(), "wfkit-bench-runnable-"));
  try {
    const out = spawnSync(python, [path.join(here, "runnable", "run_log_peer.py"), folder, String(RUNS), String(reps)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (out.status !== 0) throw new Error(`run_log_peer.py failed (${out.status ?? out.signal}): ${out.stderr.slice(-2000)}`);
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as { writeSeconds: number; listMs: number };
    return { subject: "runnable 0.50 (file-system)", writeS: result.writeSeconds, listMs: result.listMs };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const rows = [await wfkit(), runnable(venv.venv.python)];
const writes = RUNS * 8;
const m = machineInfo(loadStart);
console.log(`run log, ${RUNS.toLocaleString("en")} runs × 8 writes (${writes.toLocaleString("en")}), wfkit against runnable — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel})`);
console.log(`listing: median of ${reps}; 1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
console.log("");
printTable([
  ["subject", "record s", "writes/s", "list 20 newest ms"],
  ...rows.map((r) => [r.subject, r.writeS.toFixed(2), Math.round(writes / r.writeS).toLocaleString("en"), r.listMs.toFixed(1)]),
]);
const [w, p] = rows as [Row, Row];
console.log("");
console.log(`wfkit / runnable: ${(p.writeS / w.writeS).toFixed(1)}× the writes per second, ${(p.listMs / w.listMs).toFixed(1)}× faster listing`);
