/**
 * The run catalog's throughput, against `cp` on the same disk in the same run.
 *
 *   npm run build && npx tsx bench/catalog.ts              # prints the tables
 *   npm run build && npx tsx bench/catalog.ts --runs 9     # timed rounds (default 5, at least 3)
 *   npm run build && npx tsx bench/catalog.ts --mb 50      # the big file's size (default 200)
 *   npm run build && npx tsx bench/catalog.ts --dir /data  # where the files go (default: the OS temp folder)
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
 * Floors in the same run, because both targets meet what the disk and the CPU can do:
 *   - `sha256sum` of the big file: a put hashes every byte (the step log records the sha256),
 *     so a put can never take less than the hash, whatever the copy costs;
 *   - for the JSON value, the file system's own cost of what a put and a get must do at the
 *     least: write the text to a new file, rename it into place, read it back (1,000 times, in a
 *     folder as deep as the catalog's, on the same disk). Creating files costs very different
 *     amounts on different folders of one ext4 disk here (the `mkdir`s of a deep folder under
 *     /tmp took 0.8 ms each, under /root 0.04 ms): the floor is what makes a figure comparable.
 *
 * A benchmark: it reports, never fails.
 */
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { TaskBase, Workflow } from "wfkit";
import { createLogger, runLocal } from "wfkit/local";
import { countArg, stringArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

const runs = countArg(process.argv, "--runs", 5, 3);
const mb = countArg(process.argv, "--mb", 200, 1);
const loadStart = loadavg()[0]!;
const base = stringArg(process.argv, "--dir") ?? tmpdir();
const dir = mkdtempSync(path.join(base, "wfkit-bench-catalog-"));
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

function sha256sumRound(): number {
  const t0 = performance.now();
  const out = spawnSync("sha256sum", [source]);
  if (out.status !== 0) throw new Error(`sha256sum failed: ${out.stderr}`);
  return performance.now() - t0;
}

/** What the file system itself takes to write 1 KB to a new file, rename it into place and read it back, 1,000 times. */
function fileSystemFloor(text: string): number {
  const folder = path.join(dir, "floor", "runs", "bench_catalog-json_1.0.0", "run", "catalog", ".entries");
  mkdirSync(folder, { recursive: true });
  const t0 = performance.now();
  for (let i = 0; i < values; i++) {
    const temp = path.join(folder, `.tmp-v${i}`);
    writeFileSync(temp, text);
    renameSync(temp, path.join(folder, `v${i}.json`));
    readFileSync(path.join(folder, `v${i}.json`), "utf8");
  }
  const ms = performance.now() - t0;
  rmSync(path.join(dir, "floor"), { recursive: true, force: true });
  return ms;
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
  const rows: { put: number; get: number; cp: number; hash: number }[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      const c = await catalogRound();
      rows.push({ ...c, cp: cpRound(), hash: sha256sumRound() });
    } else {
      const cp = cpRound();
      const hash = sha256sumRound();
      rows.push({ ...(await catalogRound()), cp, hash });
    }
  }
  const jsonMs: number[] = [];
  const floorMs: number[] = [];
  const text = JSON.stringify({ name: "v", form: "json", json: JSON.stringify({ rows: Array.from({ length: 33 }, (_, i) => ({ id: `order-${i}`, amount: i * 1.5 })) }) });
  for (let i = 0; i < runs; i++) {
    floorMs.push(fileSystemFloor(text));
    const result = await runLocal(small, options);
    if (result.status !== "success") throw new Error(`the JSON run ${result.status}`);
    rmSync(path.join(options.home, "runs"), { recursive: true, force: true });
    jsonMs.push(timed["values"]!);
  }
  const m = machineInfo(loadStart);
  const ratio = median(rows.map((r) => r.cp / (r.put + r.get)));
  const putGet = median(rows.map((r) => r.put + r.get));
  console.log(`wfkit catalog (file store) against cp — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel}); ${tmpdir()} on the same disk; everything under ${base}`);
  console.log(`median of ${runs} rounds after a warm-up, order alternating; 1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
  console.log("");
  printTable([
    ["file", "put ms", "get ms", "put+get ms", "MB/s", "cp ms", "cp MB/s", "cp / (put+get)", "≥ 0.8×", "sha256sum ms", "max(cp, sha256sum) / (put+get)"],
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
      median(rows.map((r) => r.hash)).toFixed(1),
      `${median(rows.map((r) => Math.max(r.cp, r.hash) / (r.put + r.get))).toFixed(2)}×`,
    ],
  ]);
  const perOp = (median(jsonMs) * 1000) / values;
  console.log("");
  const floorOp = (median(floorMs) * 1000) / values;
  printTable([
    ["value", "put + get µs", "< 200 µs", "file system floor µs", "/ floor"],
    [`1 KB JSON × ${values}`, perOp.toFixed(1), perOp < 200 ? "yes" : "NO", floorOp.toFixed(1), `${(perOp / floorOp).toFixed(2)}×`],
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
