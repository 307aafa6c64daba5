// The audit benchmark's stored data (bench/audit.ts): 10,000 runs of one hourly workflow of three
// tasks, each with the records a local run writes when its tasks audit what they process.
import { hostname } from "node:os";
import type { AuditRecord, Dataset, RunLogRecord } from "wfkit";

/** The workflow the runs are of. */
export const WORKFLOW = "orders_etl";
const DAG_ID = `${WORKFLOW}_1.0.0`;
const TASKS = ["Extract", "Transform", "Load"] as const;
/** The first run's start: runs follow hourly, 5 minutes past the hour. */
const FIRST = Date.UTC(2025, 9, 1, 0, 5, 0);
const HOUR = 3_600_000;
const host = hostname();

const landing: Dataset = { name: "landing", type: "csv", objects: [{ name: "orders.csv", attributes: [] }], datasetTypes: ["sales"] };
const staging: Dataset = { name: "postgres://staging:5432", type: "postgres", objects: [{ name: "staging.orders", attributes: [] }], datasetTypes: ["sales"] };
const warehouse: Dataset = {
  name: "postgres://warehouse:5432",
  type: "postgres",
  objects: [{ name: "sales.orders", attributes: [{ name: "order_id", flags: ["key"] }, { name: "order_day", flags: ["partition"] }] }],
  datasetTypes: ["sales"],
};

/** Whether run `i` found no data (an empty day: 24 runs, every 2,000 runs): a gap in the coverage. */
function empty(i: number): boolean {
  return i % 2_000 >= 1_000 && i % 2_000 < 1_024;
}

/** Whether run `i` failed (its Load raised a run error with failRun): one in 97, never two in a row. */
export function failed(i: number): boolean {
  return i % 97 === 50;
}

/**
 * What run `i` records, as a local run of the three tasks writes it: its `run` record (with the
 * workflow's audit settings), per task an action `run`, its `audit` record and an action
 * `success` (Load of a failed run: `fail`), and the run's `end`. 11 records.
 */
export function runRecords(i: number): RunLogRecord[] {
  const start = FIRST + i * HOUR;
  const at = (ms: number) => new Date(start + ms).toISOString();
  const runId = `scheduled__${new Date(start).toISOString()}`;
  const where = (id: string, ms: number) => ({ v: 1 as const, id: `${i}-${id}`, dagId: DAG_ID, runId, at: at(ms), host, pid: 40_000 + (i % 1000) });
  // The hour before the run: the data it loads.
  const dataRange = empty(i) ? null : { low: new Date(start - 5 * 60_000 - HOUR).toISOString(), high: new Date(start - 5 * 60_000 - 1).toISOString() };
  const day = new Date(start - HOUR).toISOString().slice(0, 13).replace("T", "_");
  const file = `orders_${day}.csv`;
  const read = empty(i) ? 0 : 9_000 + ((i * 7919) % 2_000);
  const rejected = empty(i) ? 0 : (i * 31) % 7;
  const fails = failed(i);
  const records: RunLogRecord[] = [
    {
      ...where("run", 0),
      kind: "run",
      workflow: WORKFLOW,
      version: "1.0.0",
      dagHash: "9f1c0e6ad3b4",
      engine: "local",
      scope: "run",
      params: { hour: day },
      tags: [],
      originalRunId: null,
      code: { package: { name: "my-pipelines", version: "1.4.2" }, wfkit: "0.1.0", node: "v20.20.2", git: null },
      audit: { sources: [landing], targets: [warehouse], datasetTypes: ["sales"], maxConsecutiveFailures: 3 },
      tasks: TASKS.map((task, t) => ({ task, upstreams: t === 0 ? [] : [TASKS[t - 1]!], retries: 0 })),
    },
  ];
  const audits: Omit<AuditRecord, "v" | "id" | "dagId" | "runId" | "at" | "host" | "pid" | "kind" | "workflow" | "task" | "attempt">[] = [
    {
      records: { read },
      dataRange,
      errorCount: 0,
      errors: [],
      statuses: [],
      sources: [landing],
      targets: [staging],
      extracts: empty(i)
        ? []
        : [
            { location: "/data/landing", filename: file, from: null, to: "ready" },
            { location: "/data/landing", filename: file, from: "ready", to: "loading" },
          ],
    },
    {
      records: { read, rejected, written: read - rejected },
      dataRange,
      errorCount: rejected,
      errors: Array.from({ length: rejected }, (_, e) => ({ type: "Data Error", description: `row ${100 + e * 37}: amount is negative`, at: at(150 + e), failRun: false })),
      statuses: [{ status: "validating", at: at(120) }],
      sources: [staging],
      targets: [staging],
      extracts: [],
    },
    {
      records: { written: fails ? 0 : read - rejected },
      dataRange: fails ? null : dataRange,
      errorCount: fails ? 1 : 0,
      errors: fails ? [{ type: "Load Error", description: "duplicate key value violates unique constraint orders_pkey", at: at(280), failRun: true }] : [],
      statuses: [],
      sources: [staging],
      targets: [warehouse],
      extracts: empty(i) ? [] : [{ location: "/data/landing", filename: file, from: "loading", to: fails ? "failed" : "loaded" }],
    },
  ];
  TASKS.forEach((task, t) => {
    records.push({ ...where(`${t}-run`, 10 + t * 100), kind: "action", task, attempt: 1, action: "run" });
    records.push({ ...where(`${t}-audit`, 95 + t * 100), kind: "audit", workflow: WORKFLOW, task, attempt: 1, ...audits[t]! });
    if (fails && task === "Load") {
      records.push({
        ...where(`${t}-end`, 100 + t * 100),
        kind: "action",
        task,
        attempt: 1,
        action: "fail",
        durationMs: 90,
        metrics: {},
        error: { name: "AuditRunError", message: "task Load: run error Load Error: duplicate key value violates unique constraint orders_pkey", resolvableBy: "user" },
      });
    } else {
      records.push({ ...where(`${t}-end`, 100 + t * 100), kind: "action", task, attempt: 1, action: "success", durationMs: 90, metrics: {} });
    }
  });
  records.push({ ...where("end", 400), kind: "end", status: fails ? "failed" : "success", durationMs: 400 });
  return records;
}

/** Every run's records, oldest run first: `runs` × 11. */
export function allAuditRecords(runs: number): RunLogRecord[] {
  return Array.from({ length: runs }, (_, i) => runRecords(i)).flat();
}
