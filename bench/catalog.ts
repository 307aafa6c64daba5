/**
 * The run catalog's throughput, against `cp` on the same disk in the same run.
 *
 *   npm run build && npx tsx bench/catalog.ts              # prints the tables
 *   npm run build && npx tsx bench/catalog.ts --runs 9     # timed rounds (default 5, at least 3)
 *   npm run build && npx tsx bench/catalog.ts --mb 50      # the big file's size (default 200)
 *
 * A workflow of two tasks runs with `runLocal` (the built dist/): `Put` stores a file with
 * `this.catalog.put("big", { path })` (a streamed copy, hashed on the way), `Get` gets it back
 * (`this.catalog.get("big")`: the local path). Each task times its own call, so the run's set-up
 * is not counted. In the same round, `cp` copies the same file to the same disk (a process of its
 * own, its start-up counted: ~1 ms). Rounds alternate which goes first. Ratio = the median of
 * each round's cp time over put + get time (≥ 0.8 is the target: at least 0.8× cp's throughput).
 * The file is read from the page cache in both (written once, then read before the rounds).
 *
 * Second table: a 1 KB JSON value (33 rows of an id and an amount: 1,015 bytes), put then got
 * 1,000 times in one task (names "v0" … "v999"), µs per put + get (target < 200 µs): each put
 * writes an entry folder, its data and its metadata, and renames it into place; each get reads
 * both; both publish an event.
 *
 * A benchmark: it reports, never fails.
 */
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TaskBase, Workflow } from "wfkit";
import { createLogger, runLocal } from "wfkit/local";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

const runs = countArg(process.argv, "--runs", 5, 3);
const mb = countArg(process.argv, "--mb", 200, 1);
const loadStart = loadavg()[0]!;
const dir = mkdtempSync(path.join(tmpdir(), "wfkit-bench-catalog-"));
const source = path.join(dir, "big.bin");
// Random bytes: nothing on the way (a compressing file system, a dedup) gets them cheaper.
const chunk = Buffer.alloc(1024 * 1024);
writeFileSync(source, "");
for (let i = 0; i < mb; i++) writeFileSync(source, randomFillSync(chunk), { flag: "a" });
readFileSync(source); // into the page cache

const timed: Record<string, number> = {};
class Put extends TaskBase {
  async run() {
    const t0 = performance.now();
    await this.catalog.put("big", { path: source });
    timed["put"] = performance.now() - t0;
  }
}
class Get extends TaskBase {
  async run() {
    const t0 = performance.now();
    await this.catalog.get("big");
    timed["get"] = performance.now() - t0;
  }
}
const values = 1000;
class Values extends TaskBase {
  async run() {
    const value = { rows: Array.from({ length: 33 }, (_, i) => ({ id: `order-${i}`, amount: i * 1.5 })) };
    const t0 = performance.now();
    for (let i = 0; i < values; i++) {
      await this.catalog.put(`v${i}`, { value });
      await this.catalog.get(`v${i}`);
    }
    timed["values"] = performance.now() - t0;
  }
}
const big = new Workflow({ category: "bench", detail: "catalog", version: "1.0.0" }).addNode(Put).addNode(Get, { upstreams: Put });
const small = new Workflow({ category: "bench", detail: "catalog-json", version: "1.0.0" }).addNode(Values);
// Runs quiet (warnings and up, thrown away) and without a run log: the catalog's cost alone.
const options = { home: path.join(dir, "home"), env: {}, logger: createLogger({ level: "warn", format: "json", destination: () => {} }), runLog: { store: "off" as const } };

async function catalogRound(): Promise<{ put: number; get: number }> {
  const result = await runLocal(big, options);
  if (result.status !== "success") throw new Error(`the catalog run ${result.status}: ${JSON.stringify(result.tasks.map((t) => t.error))}`);
  rmSync(path.join(options.home, "runs"), { recursive: true, force: true });
  return { put: timed["put"]!, get: timed["get"]! };
}

function cpRound(): number {
  const target = path.join(dir, "copy.bin");
  const t0 = performance.now();
  const out = spawnSync("cp", [source, target]);
  const ms = performance.now() - t0;
  if (out.status !== 0) throw new Error(`cp failed: ${out.stderr}`);
  rmSync(target);
  return ms;
}

try {
  await catalogRound();
  cpRound();
  const rows: { put: number; get: number; cp: number }[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      const c = await catalogRound();
      rows.push({ ...c, cp: cpRound() });
    } else {
      const cp = cpRound();
      rows.push({ ...(await catalogRound()), cp });
    }
  }
  const jsonMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await runLocal(small, options);
    if (result.status !== "success") throw new Error(`the JSON run ${result.status}`);
    rmSync(path.join(options.home, "runs"), { recursive: true, force: true });
    jsonMs.push(timed["values"]!);
  }
  const m = machineInfo(loadStart);
  const ratio = median(rows.map((r) => r.cp / (r.put + r.get)));
  const putGet = median(rows.map((r) => r.put + r.get));
  console.log(`wfkit catalog (file store) against cp — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}); ${tmpdir()} on the same disk`);
  console.log(`median of ${runs} rounds after a warm-up, order alternating; 1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
  console.log("");
  printTable([
    ["file", "put ms", "get ms", "put+get ms", "MB/s", "cp ms", "cp MB/s", "cp / (put+get)", "≥ 0.8×"],
    [
      `${mb} MB`,
      median(rows.map((r) => r.put)).toFixed(1),
      median(rows.map((r) => r.get)).toFixed(2),
      putGet.toFixed(1),
      ((mb * 1000) / putGet).toFixed(0),
      median(rows.map((r) => r.cp)).toFixed(1),
      ((mb * 1000) / median(rows.map((r) => r.cp))).toFixed(0),
      `${ratio.toFixed(2)}×`,
      ratio >= 0.8 ? "yes" : "NO",
    ],
  ]);
  const perOp = (median(jsonMs) * 1000) / values;
  console.log("");
  printTable([
    ["value", "put + get µs", "< 200 µs"],
    [`1 KB JSON × ${values}`, perOp.toFixed(1), perOp < 200 ? "yes" : "NO"],
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
