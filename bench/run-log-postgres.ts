/**
 * The run log in PostgreSQL: how many task attempts per second 16 task processes record at once
 * through wfkit's writer into one database, against plain pg INSERTs of the same rows.
 *
 *   npm run build && npx tsx bench/run-log-postgres.ts                 # prints the table
 *   npm run build && npx tsx bench/run-log-postgres.ts --json          # machine-readable results on stdout
 *   npm run build && npx tsx bench/run-log-postgres.ts --runs 5        # timed rounds per subject (default 3, at least 1)
 *   npm run build && npx tsx bench/run-log-postgres.ts --processes 8   # task processes (default 16)
 *   npm run build && npx tsx bench/run-log-postgres.ts --attempts 500  # task attempts per process per round (default 2,000)
 *   npm run build && npx tsx bench/run-log-postgres.ts --url postgres://postgres@127.0.0.1:5432/postgres
 *   TSX_TSCONFIG_PATH=test/tsconfig.json npx tsx bench/run-log-postgres.ts   # the working tree's sources instead of dist/ (the children too)
 *
 * `--url` names a server and a database to connect to (default the local one, user postgres);
 * the benchmark creates a database of its own there (wfkit_bench_<pid>) and drops it at the end.
 *
 * Each round forks the task processes (bench/support/run-log-postgres-child.ts), waits until
 * every one is ready (its writer opened, or its connection made), then says go to all at once.
 * Each records its attempts as the run lifecycle would: the process's run record, then per
 * attempt an action `run` and, one event-loop turn later, an action `success`; then it closes.
 * Subjects:
 *
 *   wfkit  the lifecycle's writer (openRunLogWriter with WF_RUN_LOG=<url>): batches of up to 500
 *            records, one INSERT … SELECT from a jsonb array per batch, idempotent by id.
 *   raw    the floor/peer: plain pg, the same records into the same tables with multi-row
 *            INSERT … VALUES … ON CONFLICT (id) DO NOTHING, 500 rows per statement (--batch).
 *
 * Time = from go until the last process is done (its writer closed: everything committed).
 * attempts/s = processes × attempts / time. After every round the tables are counted back: the
 * records must be exactly processes × (1 + 2 × attempts), each id once, and no pending file may
 * be left (nothing went to the fallback); a round that loses or adds one makes the result not
 * valid (exit code 1). Tables are emptied between rounds; rounds alternate the subjects' order;
 * medians are reported. One untimed warm-up round of each subject first (it creates the tables).
 *
 * It imports "wfkit/engine" as a user would, i.e. the built dist/.
 */
import { fork } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { countArg, stringArg } from "./support/args.js";
import { machineInfo } from "./support/machine.js";
import { median } from "./support/stats.js";
import { printTable } from "./support/table.js";
import type { ChildMessage } from "./support/run-log-postgres-child.js";

const argv = process.argv.slice(2);
const json = argv.includes("--json");
const RUNS = countArg(argv, "--runs", 3, 1);
const PROCESSES = countArg(argv, "--processes", 16, 1);
const ATTEMPTS = countArg(argv, "--attempts", 2_000, 10);
const BATCH = countArg(argv, "--batch", 500, 1);
const SERVER = new URL(stringArg(argv, "--url") ?? "postgres://postgres@127.0.0.1:5432/postgres");
/** Target from the issue: task attempts recorded per second, all processes together. */
const TARGET_ATTEMPTS_PER_S = 2_000;
const SUBJECTS = ["wfkit", "raw"] as const;
type Subject = (typeof SUBJECTS)[number];

const loadStart = loadavg()[0]!;
const childScript = fileURLToPath(new URL("./support/run-log-postgres-child.ts", import.meta.url));
const database = `wfkit_bench_${process.pid}`;
const dbUrl = (() => {
  const url = new URL(SERVER.href);
  url.pathname = `/${database}`;
  return url.href;
})();

async function admin<T>(work: (client: pg.Client) => Promise<T>, url = SERVER.href): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface Round {
  subject: Subject;
  ms: number;
  records: number;
  stored: number;
  distinct: number;
  pendingFiles: number;
}

/** One round of a subject: fork, wait for ready, go, wait for done, count back. */
async function round(subject: Subject): Promise<Round> {
  const home = mkdtempSync(path.join(tmpdir(), "wfkit-bench-runlog-pg-"));
  try {
    const children = Array.from({ length: PROCESSES }, (_, i) =>
      fork(childScript, [subject, dbUrl, home, String(i), String(ATTEMPTS), String(BATCH)], { execArgv: ["--import", "tsx"], stdio: ["ignore", 2, 2, "ipc"] }),
    );
    const next = (child: (typeof children)[number], type: ChildMessage["type"]) =>
      new Promise<ChildMessage>((resolve, reject) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type === "failed") reject(new Error(`${subject} child: ${message.error}`));
          else if (message.type === type) {
            child.off("message", onMessage);
            resolve(message);
          }
        };
        child.on("message", onMessage);
        child.once("exit", (code) => reject(new Error(`${subject} child exited ${code} before ${type}`)));
      });
    await Promise.all(children.map((c) => next(c, "ready")));
    const done = children.map((c) => next(c, "done"));
    const start = performance.now();
    for (const child of children) child.send("go");
    const replies = await Promise.all(done);
    const ms = performance.now() - start;
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((resolve) => c.once("exit", resolve)) : undefined)));
    const records = replies.reduce((sum, r) => sum + (r.type === "done" ? r.records : 0), 0);
    const [count] = await admin((c) => c.query<{ n: string; d: string }>("select count(*) as n, count(distinct id) as d from wfkit_run_log_records"), dbUrl).then((r) => r.rows);
    let pendingFiles = 0;
    try {
      pendingFiles = readdirSync(path.join(home, "run-log", "pending")).length;
    } catch {
      // no pending folder: nothing went there
    }
    await admin((c) => c.query("truncate wfkit_run_log_records, wfkit_run_log_runs"), dbUrl);
    return { subject, ms, records, stored: Number(count!.n), distinct: Number(count!.d), pendingFiles };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const expected = PROCESSES * (1 + 2 * ATTEMPTS);
const valid = (r: Round) => r.records === expected && r.stored === expected && r.distinct === expected && r.pendingFiles === 0;

await admin((c) => c.query(`create database ${database}`));
const rounds: Round[] = [];
try {
  // Warm-up: wfkit's writer creates the tables (raw needs them), then raw once.
  for (const subject of SUBJECTS) {
    const r = await round(subject);
    if (!valid(r)) throw new Error(`warm-up round of ${subject} is not valid: ${JSON.stringify(r)}`);
  }
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? SUBJECTS : [...SUBJECTS].reverse();
    for (const subject of order) rounds.push(await round(subject));
  }
} finally {
  await admin((c) => c.query(`drop database if exists ${database} with (force)`));
}

const attempts = PROCESSES * ATTEMPTS;
const results = SUBJECTS.map((subject) => {
  const mine = rounds.filter((r) => r.subject === subject);
  const ms = median(mine.map((r) => r.ms));
  return {
    subject,
    rounds: mine.length,
    medianMs: ms,
    attemptsPerS: attempts / (ms / 1000),
    recordsPerS: expected / (ms / 1000),
    allValid: mine.every(valid),
    samplesMs: mine.map((r) => r.ms),
  };
});
const wfkit = results.find((r) => r.subject === "wfkit")!;
const raw = results.find((r) => r.subject === "raw")!;
const ratio = wfkit.attemptsPerS / raw.attemptsPerS;
const machine = machineInfo(loadStart);
const settings = { processes: PROCESSES, attemptsPerProcess: ATTEMPTS, recordsPerRound: expected, batch: BATCH, runs: RUNS, server: `${SERVER.host}` };
const allValid = results.every((r) => r.allValid);

if (json) {
  console.log(JSON.stringify({ benchmark: "run-log-postgres", machine, settings, target: { attemptsPerS: TARGET_ATTEMPTS_PER_S }, results, ratio, allValid }, null, 2));
} else {
  const serverVersion = await admin((c) => c.query<{ server_version: string }>("show server_version")).then((r) => r.rows[0]!.server_version);
  console.log(`wfkit run log in PostgreSQL ${serverVersion} — node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})`);
  console.log(`${PROCESSES} task processes × ${ATTEMPTS} attempts (run + success action each) = ${attempts} attempts, ${expected} records per round;`);
  console.log(`median of ${RUNS} timed round(s) per subject after 1 warm-up each, rounds alternating; batches of ${BATCH}`);
  console.log(`1-min load average: ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end\n`);
  const f = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  printTable([
    ["subject", "median s", "attempts/s", "records/s", `≥ ${f(TARGET_ATTEMPTS_PER_S)}/s`, "counted back"],
    ...results.map((r) => [r.subject, f(r.medianMs / 1000, 2), f(r.attemptsPerS), f(r.recordsPerS), r.attemptsPerS >= TARGET_ATTEMPTS_PER_S ? "yes" : "NO", r.allValid ? "all, once" : "LOST OR EXTRA"]),
  ]);
  console.log(`\nwfkit / raw: ${ratio.toFixed(2)}× the peer's attempts/s`);
  console.log("wfkit = the lifecycle's PostgresRunLogWriter (openRunLogWriter), raw = plain pg multi-row INSERTs into the same tables");
}
if (!allValid) {
  console.error(`not valid: a round lost or added records: ${JSON.stringify(rounds.filter((r) => !valid(r)))}`);
  process.exitCode = 1;
}
