/**
 * `wf runs list --limit 20` over 10,000 stored runs, on the file store and on PostgreSQL.
 *
 *   npx tsx bench/run-log-list.ts              # prints a table
 *   npx tsx bench/run-log-list.ts --runs 9     # timed repetitions (default 7)
 *
 * 10,000 runs of a 3-task workflow as the local engine records them (a `run` record, `run` and
 * `success` per task, an `end`: 80,000 records), stored two ways in the file store: spread over
 * 10 days (1,000 runs a day) and all on one day, a run a second (the file store keeps a file
 * per ten minutes: its newest then holds 400 runs), and once in PostgreSQL (127.0.0.1:5432, a database made for the run and
 * dropped after; skipped with the reason when unreachable). For each:
 *
 *   command  `wf runs list --limit 20` as a user runs it (node dist/cli/bin.js: start-up
 *            included), wall clock. Targets: < 300 ms (file), < 100 ms (PostgreSQL).
 *   query    `openRunLog().runs({ limit: 20 })` in this process.
 *   floor    reading the same records raw in this process: every line of the files the query
 *            reads (read + split into lines), or for PostgreSQL the rows of the 20 newest runs
 *            (`select record … where (dag_id, run_id) in (…20 newest…)`), unparsed.
 *
 * Under the table: what any command costs before it reads a record, `node -e 0` and
 * `wf --version`, the floor of the command column.
 *
 * Needs dist/ (`npm run build`). A benchmark: it reports, never fails.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { countArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";
import { openRunLog } from "wfkit";
import { allRecords, RUNS, store } from "./support/run-log-data.js";

// The run log's tables (src/run-log/postgres-schema.ts): named here for the floor's raw query,
// which reads them as a user's own SQL would.
const TABLES = { records: "wfkit_run_log_records", runs: "wfkit_run_log_runs" };

const repo = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const reps = countArg(process.argv, "--runs", 7, 3);
const loadStart = loadavg()[0]!;

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function command(env: Record<string, string>): number {
  const t0 = performance.now();
  const out = spawnSync(process.execPath, [path.join(repo, "dist/cli/bin.js"), "runs", "list", "--limit", "20"], { env: { ...process.env, ...env }, encoding: "utf8" });
  const ms = performance.now() - t0;
  // A header line, then one line per run.
  if (out.status !== 0 || out.stdout.trimEnd().split("\n").length !== 21) throw new Error(`wf runs list failed (${out.status}): ${out.stderr}${out.stdout.slice(0, 500)}`);
  return ms;
}

interface Row {
  store: string;
  commandMs: number;
  queryMs: number;
  floorMs: number;
  target: number;
}

async function fileStore(days: number): Promise<Row> {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-runlog-"));
  try {
    await store(allRecords(days), "file", home);
    const dir = path.join(home, "run-log");
    // What the query reads: the files of the newest ten minutes (`<day>/<HH>.<M>0.<host>.jsonl`),
    // which hold more than 20 whole runs here (a run a second).
    const day = readdirSync(dir).filter((name) => /^\d{4}-/.test(name)).sort().reverse()[0]!;
    const names = readdirSync(path.join(dir, day)).sort().reverse();
    const newest = names.filter((name) => name.slice(0, 6) === names[0]!.slice(0, 6));
    const floor = () => {
      let lines = 0;
      for (const f of newest) lines += readFileSync(path.join(dir, day, f), "utf8").split("\n").length;
      if (lines < 20) throw new Error("floor read nothing");
    };
    const log = await openRunLog({ home, store: "file", env: {} });
    const cmd: number[] = [];
    const query: number[] = [];
    const raw: number[] = [];
    command({ WF_HOME: home, WF_RUN_LOG: "file" });
    await log.runs({ limit: 20 });
    for (let i = 0; i < reps; i++) {
      cmd.push(command({ WF_HOME: home, WF_RUN_LOG: "file" }));
      query.push(await timeAsync(() => log.runs({ limit: 20 })));
      raw.push(time(floor));
    }
    await log.close();
    return { store: `file, ${days === 1 ? "all on 1 day" : `over ${days} days`}`, commandMs: median(cmd), queryMs: median(query), floorMs: median(raw), target: 300 };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Row | string> {
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres", connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return `PostgreSQL skipped: 127.0.0.1:5432 unreachable (${(error as Error).message})`;
  }
  const db = `wfkit_bench_list_${process.pid}`;
  await admin.query(`create database ${db}`);
  const url = `postgres://postgres@127.0.0.1:5432/${db}`;
  try {
    const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-runlog-pg-"));
    await store(allRecords(10), url, home);
    rmSync(home, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("analyze");
    const floor = async () => {
      const rows = await client.query(
        `select record::text from ${TABLES.records} where (dag_id, run_id) in (select dag_id, run_id from ${TABLES.runs} order by first_at desc, dag_id desc, run_id desc limit 20)`,
      );
      if (rows.rowCount !== 20 * 8) throw new Error(`floor read ${rows.rowCount} rows`);
    };
    const log = await openRunLog({ store: url, env: {} });
    const cmd: number[] = [];
    const query: number[] = [];
    const raw: number[] = [];
    command({ WF_RUN_LOG: url });
    await log.runs({ limit: 20 });
    await floor();
    for (let i = 0; i < reps; i++) {
      cmd.push(command({ WF_RUN_LOG: url }));
      query.push(await timeAsync(() => log.runs({ limit: 20 })));
      raw.push(await timeAsync(floor));
    }
    await log.close();
    await client.end();
    return { store: "PostgreSQL", commandMs: median(cmd), queryMs: median(query), floorMs: median(raw), target: 100 };
  } finally {
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
  }
}

const rows: Row[] = [await fileStore(10), await fileStore(1)];
const pgRow = await postgres();
const notes: string[] = [];
if (typeof pgRow === "string") notes.push(pgRow);
else rows.push(pgRow);

const m = machineInfo(loadStart);
console.log(`wf runs list --limit 20 over ${RUNS.toLocaleString("en")} stored runs (${RUNS * 8} records) — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel})`);
console.log(`median of ${reps}; 1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
console.log("");
printTable([
  ["store", "command ms", "target", "query ms", "floor ms", "query / floor"],
  ...rows.map((r) => [r.store, r.commandMs.toFixed(0), `< ${r.target}: ${r.commandMs < r.target ? "yes" : "NO"}`, r.queryMs.toFixed(1), r.floorMs.toFixed(1), `${(r.queryMs / r.floorMs).toFixed(2)}x`]),
]);
const startUp = (args: string[]) => {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, args, { encoding: "utf8" });
    ms.push(performance.now() - t0);
    if (out.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${out.stderr}`);
  }
  return median(ms);
};
console.log("");
console.log(`start-up floor: node -e 0 ${startUp(["-e", "0"]).toFixed(0)} ms; wf --version ${startUp([path.join(repo, "dist/cli/bin.js"), "--version"]).toFixed(0)} ms`);
for (const note of notes) console.log(note);
