/**
 * The audit (`this.audit`, `wf audit`): what a counting call costs in a hot loop, what `wf audit`
 * costs over 10,000 stored runs, and what auditing adds to each task of a local run.
 *
 *   npm run bench:audit                        # builds dist/, then runs this file; prints the tables
 *   npx tsx bench/audit.ts --runs 9            # timed runs of the hot-loop workflow (default 7, at least 3)
 *   npx tsx bench/audit.ts --chain-runs 31     # timed runs of each 2,000-task chain (default 21, at least 3)
 *   npx tsx bench/audit.ts --rounds 9          # timed rounds of each `wf audit` figure (default 5, at least 3)
 *   npx tsx bench/audit.ts --loop 1000000      # iterations of each hot loop (default 10,000,000)
 *   npx tsx bench/audit.ts --url postgres://postgres@127.0.0.1:5432/postgres
 *
 * 1. Hot loop. One workflow of six tasks run by `runLocal`, chained, in a rotated order each run.
 *    Each task's run() times, with process.hrtime.bigint(), first the floor, a loop of N
 *    iterations doing `acc = (acc + i) | 0`, then the same loop with one call added:
 *      this.audit.records("read", 1)          target < 50 ns
 *      the same through `const audit = this.audit` taken before the loop
 *      this.audit.dataRange(ms)               (epoch milliseconds; target < 50 ns)
 *      this.audit.dataRange(date)             (a Date from an array made before the loop; target < 50 ns)
 *    and, as the named peers, the same loop with
 *      a plain Map increment                  counts.set("read", (counts.get("read") ?? 0) + 1)
 *      two compares                           if (ms < lo) lo = ms; if (ms > hi) hi = ms
 *    ns per call = (loop − floor) / N, per run; median and min–max over the timed runs (one
 *    untimed warm-up run first). Each run's task.audit events are checked: read = N, a range.
 *
 * 2. `wf audit` over 10,000 runs of one hourly workflow (bench/support/audit-data.ts: per run a
 *    `run` record, per task an action `run`, an `audit` record and an action `success`, and an
 *    `end`: 110,000 records), stored through the run lifecycle's writer (openRunLogWriter) into
 *    a PostgreSQL database made for the benchmark and dropped after (`--url` names the server;
 *    the figures are skipped, with the reason, when it is unreachable), and into the file store
 *    for reference. For each store, one untimed round then `--rounds` timed ones of:
 *      code     openAudit({ store, home }) + report(workflow) + close()
 *      command  node dist/cli/bin.js audit <workflow> --store <store> --json > /dev/null; target < 500 ms (PostgreSQL)
 *      peer     node dist/cli/bin.js runs list --workflow <workflow> --limit 10000 --store <store> --json > /dev/null
 *      peer     openRunLog({ store }).runs({ workflow, limit: 10000 }) + close(), in this process
 *      floor    PostgreSQL: `select record from wfkit_run_log_records where kind in ('run','end','audit')`
 *               through pg on a connected client (the 50,000 rows the report reads, jsonb parsed);
 *               file store: every line of every run-log file read and JSON.parse'd (what its reader must read)
 *    and what --json adds (AuditReportSchema.parse + JSON.stringify of the report, in this process),
 *    and the start-up floor of every command, `wf --version`.
 *
 * 3. Per task: a chain of 2,000 tasks, each calling `this.audit.records("read", 100)` once
 *    (so each attempt publishes a task.audit event, written to the run's events file and as an
 *    `audit` record to the file run log), against the floor: the same chain of tasks that do
 *    nothing, and the peer: tasks that each emit one custom status event (`this.events.emit`),
 *    which takes the same way (bus, events file) but makes no run-log record. µs per task added
 *    = (run − no-op run) / 2,000, medians of runs rotating the three; again with the run log
 *    off, to tell the run-log record from the rest.
 *
 * It imports "wfkit", "wfkit/engine" and "wfkit/local" as a user would, i.e. the built dist/.
 * A benchmark: it reports whether the targets are met, and never fails on a figure.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { AuditReportSchema, openAudit, openRunLog, RunLogRecordSchema, TaskBase, Workflow, type AuditReport, type TaskClass, type WfEvent } from "wfkit";
import { createLogger } from "wfkit/engine";
import { runLocal } from "wfkit/local";
import { countArg, stringArg } from "./support/args.js";
import { allAuditRecords, runRecords, WORKFLOW } from "./support/audit-data.js";
import { machineInfo } from "./support/machine.js";
import { noopTaskClass } from "./support/noop-tasks.js";
import { store } from "./support/run-log-data.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";

const argv = process.argv.slice(2);
const RUNS = countArg(argv, "--runs", 7, 3);
const ROUNDS = countArg(argv, "--rounds", 5, 3);
/** A 2,000-task run takes some 30 ms: many runs, for a steady median. */
const CHAIN_RUNS = countArg(argv, "--chain-runs", 21, 3);
const N = countArg(argv, "--loop", 10_000_000, 10_000);
const SERVER = new URL(stringArg(argv, "--url") ?? "postgres://postgres@127.0.0.1:5432/postgres");
const STORED_RUNS = 10_000;
const CHAIN = 2_000;
const TARGET_CALL_NS = 50;
const TARGET_AUDIT_MS = 500;

const repo = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const bin = path.join(repo, "dist/cli/bin.js");
const loadStart = loadavg()[0]!;
const logger = createLogger({ level: "error", destination: () => {} });
const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-audit-"));
const baseOptions = { home, logger, progress: "off" as const, env: {}, retryDelaySeconds: 0 };

const spread = (xs: readonly number[], digits = 1) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const ms = (x: number) => x.toFixed(0);

// ---------------------------------------------------------------------------------------------
// 1. Hot loop
// ---------------------------------------------------------------------------------------------

/** What each loop task measured in the current run: floor and loop nanoseconds. */
const measured = new Map<string, { floorNs: number; loopNs: number }>();
/** Every loop's result, kept so that no loop is dead code. */
let sink = 0;
const BASE = Date.UTC(2026, 10, 28);
const DATES = Array.from({ length: 1024 }, (_, i) => new Date(BASE + i * 60_000));

function note(task: string, t0: bigint, t1: bigint, t2: bigint, acc: number): void {
  measured.set(task, { floorNs: Number(t1 - t0), loopNs: Number(t2 - t1) });
  sink ^= acc;
}

// Each loop is written out in its task's own run(), as a user's would be: a helper taking the
// body as a function would measure a call through a closure instead.
class AuditRecords extends TaskBase {
  override run(): void {
    let acc = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) acc = (acc + i) | 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      acc = (acc + i) | 0;
      this.audit.records("read", 1);
    }
    note("AuditRecords", t0, t1, process.hrtime.bigint(), acc);
  }
}

class AuditRecordsLocal extends TaskBase {
  override run(): void {
    let acc = 0;
    const audit = this.audit;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) acc = (acc + i) | 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      acc = (acc + i) | 0;
      audit.records("read", 1);
    }
    note("AuditRecordsLocal", t0, t1, process.hrtime.bigint(), acc);
  }
}

class AuditRangeNumber extends TaskBase {
  override run(): void {
    let acc = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) acc = (acc + i) | 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      acc = (acc + i) | 0;
      this.audit.dataRange(BASE + (i & 1023) * 60_000);
    }
    note("AuditRangeNumber", t0, t1, process.hrtime.bigint(), acc);
  }
}

class AuditRangeDate extends TaskBase {
  override run(): void {
    let acc = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) acc = (acc + i) | 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      acc = (acc + i) | 0;
      this.audit.dataRange(DATES[i & 1023]!);
    }
    note("AuditRangeDate", t0, t1, process.hrtime.bigint(), acc);
  }
}

class PeerMap extends TaskBase {
  override run(): void {
    let acc = 0;
    const counts = new Map<string, number>();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) acc = (acc + i) | 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      acc = (acc + i) | 0;
      counts.set("read", (counts.get("read") ?? 0) + 1);
    }
    const t2 = process.hrtime.bigint();
    if (counts.get("read") !== N) throw new Error("the Map peer miscounted");
    note("PeerMap", t0, t1, t2, acc);
  }
}

class PeerCompares extends TaskBase {
  override run(): void {
    let acc = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) acc = (acc + i) | 0;
    const t1 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      acc = (acc + i) | 0;
      const ms = BASE + (i & 1023) * 60_000;
      if (ms < lo) lo = ms;
      if (ms > hi) hi = ms;
    }
    const t2 = process.hrtime.bigint();
    note("PeerCompares", t0, t1, t2, acc ^ (hi - lo));
  }
}

/** The loop tasks; `peer`: the loop task that does the same work without wfkit. */
const LOOP_TASKS: { cls: TaskClass; what: string; target: boolean; peer?: string }[] = [
  { cls: AuditRecords, what: 'this.audit.records("read", 1)', target: true, peer: "PeerMap" },
  { cls: AuditRecordsLocal, what: 'audit.records("read", 1), audit = this.audit before the loop', target: false, peer: "PeerMap" },
  { cls: AuditRangeNumber, what: "this.audit.dataRange(ms), a number", target: true, peer: "PeerCompares" },
  { cls: AuditRangeDate, what: "this.audit.dataRange(date), a Date", target: true, peer: "PeerCompares" },
  { cls: PeerMap, what: 'peer "Map": counts.set("read", (counts.get("read") ?? 0) + 1)', target: false },
  { cls: PeerCompares, what: 'peer "compares": if (ms < lo) lo = ms; if (ms > hi) hi = ms', target: false },
] as unknown as { cls: TaskClass; what: string; target: boolean; peer?: string }[];

async function loopRun(rotation: number): Promise<Map<string, { floorNs: number; loopNs: number }>> {
  const wf = new Workflow({ category: "bench", detail: "audit_loop", version: "1.0.0" });
  let previous: TaskClass | undefined;
  for (let k = 0; k < LOOP_TASKS.length; k++) {
    const { cls } = LOOP_TASKS[(k + rotation) % LOOP_TASKS.length]!;
    wf.addNode(cls, previous === undefined ? {} : { upstreams: previous });
    previous = cls;
  }
  measured.clear();
  const audits = new Map<string, WfEvent["data"]>();
  const result = await runLocal(wf, {
    ...baseOptions,
    onEvent: (e) => {
      if (e.data.action === "task.audit") audits.set(e.data.task, e.data);
    },
  });
  if (result.status !== "success") throw new Error(`the loop run ${result.status}`);
  for (const task of ["AuditRecords", "AuditRecordsLocal"]) {
    const data = audits.get(task) as { records?: Record<string, number> } | undefined;
    if (data?.records?.["read"] !== N) throw new Error(`${task} recorded ${JSON.stringify(data?.records)}, expected read ${N}`);
  }
  for (const task of ["AuditRangeNumber", "AuditRangeDate"]) {
    const data = audits.get(task) as { dataRange?: { low: string; high: string } | null } | undefined;
    if (data?.dataRange?.low !== new Date(BASE).toISOString()) throw new Error(`${task} recorded the range ${JSON.stringify(data?.dataRange)}`);
  }
  return new Map(measured);
}

await loopRun(0); // warm-up
const loopRuns: Map<string, { floorNs: number; loopNs: number }>[] = [];
for (let r = 0; r < RUNS; r++) loopRuns.push(await loopRun(r + 1));
const loopRows = LOOP_TASKS.map(({ cls, what, target, peer }) => {
  const perCall = loopRuns.map((m) => (m.get(cls.name)!.loopNs - m.get(cls.name)!.floorNs) / N);
  const floor = loopRuns.map((m) => m.get(cls.name)!.floorNs / N);
  return { name: cls.name, what, target, peer, ns: median(perCall), perCall, floorNs: median(floor) };
});

// ---------------------------------------------------------------------------------------------
// 3. Per task (before 2: the stored runs take memory the garbage collector would then walk)
// ---------------------------------------------------------------------------------------------

type Body = "audit" | "event" | "noop";
function chain(body: Body): Workflow {
  const wf = new Workflow({ category: "bench", detail: `audit_${body}`, version: "1.0.0" });
  let previous: TaskClass | undefined;
  for (let i = 0; i < CHAIN; i++) {
    const name = `T${String(i).padStart(5, "0")}`;
    const cls =
      body === "noop"
        ? noopTaskClass(name)
        : body === "audit"
          ? ({
              [name]: class extends TaskBase {
                override run(): void {
                  this.audit.records("read", 100);
                }
              },
            }[name]! as unknown as TaskClass)
          : ({
              [name]: class extends TaskBase {
                override run(): void {
                  this.events.emit("rows", { read: 100 });
                }
              },
            }[name]! as unknown as TaskClass);
    wf.addNode(cls, previous === undefined ? {} : { upstreams: previous });
    previous = cls;
  }
  return wf;
}

const chains = { audit: chain("audit"), event: chain("event"), noop: chain("noop") };
const taskHome = mkdtempSync(path.join(tmpdir(), "wfkit-bench-audit-tasks-"));

async function chainRun(body: Body, runLog: "file" | "off"): Promise<number> {
  let auditEvents = 0;
  let customEvents = 0;
  const t0 = performance.now();
  const result = await runLocal(chains[body], {
    ...baseOptions,
    home: taskHome,
    runLog: { store: runLog },
    onEvent: (e) => {
      if (e.data.action === "task.audit") auditEvents++;
      else if (e.data.action === "custom") customEvents++;
    },
  });
  const took = performance.now() - t0;
  if (result.status !== "success") throw new Error(`the ${body} chain ${result.status}`);
  if (auditEvents !== (body === "audit" ? CHAIN : 0)) throw new Error(`the ${body} chain published ${auditEvents} task.audit events`);
  if (customEvents !== (body === "event" ? CHAIN : 0)) throw new Error(`the ${body} chain published ${customEvents} custom events`);
  return took;
}

const BODIES: readonly Body[] = ["noop", "audit", "event"];
const taskSamples = {
  file: { audit: [] as number[], event: [] as number[], noop: [] as number[] },
  off: { audit: [] as number[], event: [] as number[], noop: [] as number[] },
};
for (const runLog of ["file", "off"] as const) {
  for (const body of BODIES) await chainRun(body, runLog);
  for (let r = 0; r < CHAIN_RUNS; r++) {
    // Rotated, so that drift in the machine's load hits every body alike.
    for (let k = 0; k < BODIES.length; k++) {
      const body = BODIES[(k + r) % BODIES.length]!;
      taskSamples[runLog][body].push(await chainRun(body, runLog));
    }
  }
}
rmSync(taskHome, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// 2. `wf audit` over 10,000 runs
// ---------------------------------------------------------------------------------------------

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const devNull = openSync("/dev/null", "w");
function command(args: string[], env: Record<string, string>): number {
  const t0 = performance.now();
  const out = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", devNull, "pipe"], encoding: "utf8" });
  const took = performance.now() - t0;
  if (out.status !== 0) throw new Error(`wf ${args.join(" ")} failed (${out.status}): ${out.stderr}`);
  return took;
}
/** The command's JSON output, once, untimed: to check what it says. */
function commandJson(args: string[], env: Record<string, string>): unknown {
  const out = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 30 });
  if (out.status !== 0) throw new Error(`wf ${args.join(" ")} failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout);
}

interface StoreFigures {
  store: string;
  codeMs: number[];
  commandMs: number[];
  listCommandMs: number[];
  listCodeMs: number[];
  floorMs: number[];
  /** AuditReportSchema.parse + JSON.stringify(…, null, 2) of the report, in this process: what --json adds to the report. */
  outputMs: number[];
  reportRuns: number;
  reportBytes: number;
}

async function figures(where: string, label: string, cliHome: string, floor: (() => Promise<number>) | undefined): Promise<StoreFigures> {
  const env = { WF_HOME: cliHome };
  const auditArgs = ["audit", WORKFLOW, "--store", where, "--json"];
  const listArgs = ["runs", "list", "--workflow", WORKFLOW, "--limit", String(STORED_RUNS), "--store", where, "--json"];
  // Untimed: check what they say (and warm the caches).
  const report = commandJson(auditArgs, env) as { runs: unknown[]; totals: { runs: number } };
  if (report.runs.length !== STORED_RUNS) throw new Error(`wf audit (${label}) reported ${report.runs.length} runs`);
  const list = commandJson(listArgs, env) as unknown[];
  if (!Array.isArray(list) || list.length !== STORED_RUNS) throw new Error(`wf runs list (${label}) listed ${Array.isArray(list) ? list.length : typeof list}`);
  const reportBytes = JSON.stringify(report, null, 2).length;
  let got: AuditReport | undefined;
  const code = async () => {
    const audit = await openAudit({ store: where, home: cliHome, env: {} });
    const r = (got = await audit.report(WORKFLOW));
    await audit.close();
    if (r.runs.length !== STORED_RUNS) throw new Error(`report (${label}) has ${r.runs.length} runs`);
  };
  const output = () => {
    const t0 = performance.now();
    const text = `${JSON.stringify(AuditReportSchema.parse(got), null, 2)}\n`;
    const took = performance.now() - t0;
    if (text.length < reportBytes) throw new Error("the --json output is short");
    return took;
  };
  const listCode = async () => {
    const log = await openRunLog({ store: where, home: cliHome, env: {} });
    const runs = await log.runs({ workflow: WORKFLOW, limit: STORED_RUNS });
    await log.close();
    if (runs.length !== STORED_RUNS) throw new Error(`runs (${label}) listed ${runs.length}`);
  };
  await code();
  await listCode();
  if (floor !== undefined) await floor();
  output();
  const f: StoreFigures = { store: label, codeMs: [], commandMs: [], listCommandMs: [], listCodeMs: [], floorMs: [], outputMs: [], reportRuns: report.runs.length, reportBytes };
  for (let r = 0; r < ROUNDS; r++) {
    f.codeMs.push(await timeAsync(code));
    f.outputMs.push(output());
    f.commandMs.push(command(auditArgs, env));
    f.listCommandMs.push(command(listArgs, env));
    f.listCodeMs.push(await timeAsync(listCode));
    if (floor !== undefined) f.floorMs.push(await floor());
  }
  return f;
}

const records = allAuditRecords(STORED_RUNS);
for (const r of runRecords(0).concat(runRecords(50))) RunLogRecordSchema.parse(r);
const storeFigures: StoreFigures[] = [];
const notes: string[] = [];
const seedMs: { postgres?: number; file?: number } = {};
let serverVersion = "";

const admin = new pg.Client({ connectionString: SERVER.href, connectionTimeoutMillis: 3000 });
let reachable = true;
try {
  await admin.connect();
} catch (error) {
  reachable = false;
  notes.push(`PostgreSQL skipped: ${SERVER.host} unreachable (${(error as Error).message})`);
}
if (reachable) {
  serverVersion = (await admin.query<{ server_version: string }>("show server_version")).rows[0]!.server_version;
  const db = `wfkit_bench_audit_${process.pid}`;
  await admin.query(`create database ${db}`);
  const url = new URL(SERVER.href);
  url.pathname = `/${db}`;
  try {
    const seedHome = mkdtempSync(path.join(tmpdir(), "wfkit-bench-audit-pg-"));
    seedMs.postgres = await timeAsync(() => store(records, url.href, seedHome));
    rmSync(seedHome, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: url.href });
    await client.connect();
    await client.query("analyze");
    const [count] = (await client.query<{ n: string }>("select count(*) as n from wfkit_run_log_records")).rows;
    if (Number(count!.n) !== records.length) throw new Error(`stored ${count!.n} records of ${records.length}`);
    const floor = async () => {
      const t0 = performance.now();
      const rows = await client.query("select record from wfkit_run_log_records where kind in ('run','end','audit')");
      const took = performance.now() - t0;
      if (rows.rowCount !== STORED_RUNS * 5) throw new Error(`the floor read ${rows.rowCount} rows`);
      return took;
    };
    storeFigures.push(await figures(url.href, "PostgreSQL", home, floor));
    await client.end();
  } finally {
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
  }
}
{
  const fileHome = mkdtempSync(path.join(tmpdir(), "wfkit-bench-audit-file-"));
  try {
    seedMs.file = await timeAsync(() => store(records, "file", fileHome));
    // The floor: what any reader of the file store must do, every line of every file read and parsed.
    const dir = path.join(fileHome, "run-log");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".jsonl"));
    const floor = async () => {
      const t0 = performance.now();
      let lines = 0;
      for (const f of files) {
        for (const line of readFileSync(path.join(dir, f), "utf8").split("\n")) {
          if (line === "") continue;
          JSON.parse(line);
          lines++;
        }
      }
      const took = performance.now() - t0;
      if (lines !== records.length) throw new Error(`the file floor read ${lines} lines`);
      return took;
    };
    storeFigures.push(await figures("file", "file store", fileHome, floor));
  } finally {
    rmSync(fileHome, { recursive: true, force: true });
  }
}
closeSync(devNull);
const versionMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) versionMs.push(command(["--version"], {}));
rmSync(home, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const m = machineInfo(loadStart);
console.log(`wfkit audit — node ${m.node}, ${m.cpus} CPUs (${m.cpuModel})${serverVersion === "" ? "" : `, PostgreSQL ${serverVersion}`}`);
console.log(`1-min load average ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at end`);
console.log("");
console.log(`1. A call in a hot loop, inside a task run by runLocal: ${N.toLocaleString("en")} iterations, ns per call = (loop − floor) / N;`);
console.log(`   floor: the same loop without the call (acc = (acc + i) | 0); median and min–max of ${RUNS} runs after 1 warm-up`);
console.log("");
printTable([
  ["loop body", "ns/call", "min–max", "floor ns/iter", `target < ${TARGET_CALL_NS} ns`, "vs its peer"],
  ...loopRows.map((r) => {
    const peer = loopRows.find((x) => x.name === r.peer);
    const vs = peer === undefined ? "" : `${r.ns - peer.ns >= 0 ? "+" : "−"}${Math.abs(r.ns - peer.ns).toFixed(1)} ns (${peer.name === "PeerMap" ? "Map" : "compares"})`;
    return [r.what, r.ns.toFixed(1), spread(r.perCall), r.floorNs.toFixed(2), r.target ? (r.ns < TARGET_CALL_NS ? "yes" : "NO") : "", vs];
  }),
]);

console.log("");
console.log(`2. wf audit ${WORKFLOW} over ${STORED_RUNS.toLocaleString("en")} stored runs (${records.length.toLocaleString("en")} records: per run a run record, run + success and an audit record per task, an end;`);
console.log(`   ${(STORED_RUNS * 5).toLocaleString("en")} of them read by the report); median and min–max of ${ROUNDS} rounds after 1 untimed; the --json report is ${(storeFigures[0]?.reportBytes ?? 0).toLocaleString("en")} characters`);
console.log(`   stored through openRunLogWriter in ${seedMs.postgres === undefined ? "—" : `${(seedMs.postgres / 1000).toFixed(1)} s (PostgreSQL), `}${((seedMs.file ?? 0) / 1000).toFixed(1)} s (file store)`);
console.log("");
const rows2: string[][] = [["what", "store", "ms", "min–max", "target"]];
for (const f of storeFigures) {
  const pgStore = f.store === "PostgreSQL";
  const cmd = median(f.commandMs);
  rows2.push([`wf audit --json (command, start-up included)`, f.store, ms(cmd), spread(f.commandMs, 0), pgStore ? `< ${TARGET_AUDIT_MS}: ${cmd < TARGET_AUDIT_MS ? "yes" : "NO"}` : "(reference)"]);
  rows2.push([`openAudit + report + close (code)`, f.store, ms(median(f.codeMs)), spread(f.codeMs, 0), pgStore ? `< ${TARGET_AUDIT_MS}: ${median(f.codeMs) < TARGET_AUDIT_MS ? "yes" : "NO"}` : "(reference)"]);
  rows2.push([`  --json output of it: AuditReportSchema.parse + JSON.stringify`, f.store, ms(median(f.outputMs)), spread(f.outputMs, 0), ""]);
  rows2.push([`peer: wf runs list --workflow --limit 10000 --json`, f.store, ms(median(f.listCommandMs)), spread(f.listCommandMs, 0), ""]);
  rows2.push([`peer: openRunLog().runs({ workflow, limit: 10000 })`, f.store, ms(median(f.listCodeMs)), spread(f.listCodeMs, 0), ""]);
  rows2.push([pgStore ? "floor: pg select record … where kind in (run, end, audit)" : "floor: read + JSON.parse every line of the run-log files", f.store, ms(median(f.floorMs)), spread(f.floorMs, 0), ""]);
}
rows2.push(["floor: wf --version (any command's start-up)", "", ms(median(versionMs)), spread(versionMs, 0), ""]);
printTable(rows2);
for (const note of notes) console.log(note);

console.log("");
console.log(`3. Per task: a ${CHAIN.toLocaleString("en")}-task chain whose tasks each call this.audit.records("read", 100) once, against the floor: the same chain of`);
console.log(`   tasks that do nothing; peer: tasks that each emit one custom status event (this.events.emit("rows", { read: 100 })), which`);
console.log(`   goes the same way as task.audit (bus, events file) but makes no run-log record; median and min–max of ${CHAIN_RUNS} runs each, rotated, after 1 warm-up each`);
console.log("");
const rows3: string[][] = [["run log", "tasks", "chain ms", "min–max", "µs per task over the no-op floor"]];
for (const runLog of ["file", "off"] as const) {
  const s = taskSamples[runLog];
  const added = (body: Body) => (((median(s[body]) - median(s.noop)) * 1000) / CHAIN).toFixed(1);
  const label = runLog === "file" ? "file (the default)" : "off";
  rows3.push([label, "floor: no-op", ms(median(s.noop)), spread(s.noop, 0), ""]);
  rows3.push([label, 'this.audit.records("read", 100)', ms(median(s.audit)), spread(s.audit, 0), added("audit")]);
  rows3.push([label, "peer: this.events.emit(…)", ms(median(s.event)), spread(s.event, 0), added("event")]);
}
printTable(rows3);

console.log("");
const pgFigures = storeFigures.find((f) => f.store === "PostgreSQL");
const callTargets = loopRows.filter((r) => r.target);
console.log("Targets:");
for (const r of callTargets) console.log(`  ${r.what}: ${r.ns.toFixed(1)} ns per call < ${TARGET_CALL_NS} ns — ${r.ns < TARGET_CALL_NS ? "met" : "NOT met"}`);
if (pgFigures === undefined) console.log(`  wf audit over ${STORED_RUNS.toLocaleString("en")} runs on PostgreSQL < ${TARGET_AUDIT_MS} ms — not measured (no PostgreSQL)`);
else {
  const cmd = median(pgFigures.commandMs);
  console.log(`  wf audit over ${STORED_RUNS.toLocaleString("en")} runs on PostgreSQL: ${ms(cmd)} ms (command), ${ms(median(pgFigures.codeMs))} ms (code) < ${TARGET_AUDIT_MS} ms — ${cmd < TARGET_AUDIT_MS ? "met" : "NOT met"}`);
}
if (sink === 0.5) console.log(""); // never: keeps every loop's result alive
