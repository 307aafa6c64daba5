// The run-log benchmarks' data: runs as the local engine records them, and the writer that
// stores them (bench/run-log-list.ts, bench/run-log-peer.ts).
import { hostname } from "node:os";
import type { RunLogRecord, WfEvent } from "wfkit";
import { compileRunLogOptions, createEvent, openRunLogWriter } from "wfkit/engine";

/** How many runs the benchmarks store. */
export const RUNS = 10_000;
const TASKS = ["Extract", "Transform", "Load"];
const host = hostname();

/** A run's `run` record, or a status event that stands for a record. */
export type Item = RunLogRecord | WfEvent;

/**
 * Store `records` through the writer the run lifecycle uses, as the lifecycle hands them over;
 * `now`: each at once (as a worker's `task.started`), else by the end of the turn.
 */
export async function store(records: readonly Item[], where: string, home: string, now = false): Promise<void> {
  const writer = await openRunLogWriter(compileRunLogOptions({ store: where, strict: true }, home), {
    onFileError: (file, error) => {
      throw new Error(`${file}: ${String(error)}`);
    },
    onWarning: (message) => {
      throw new Error(message);
    },
  });
  for (const item of records) {
    if ("specversion" in item) writer!.writeEvent(item, now);
    else writer!.write(item, now);
  }
  await writer!.close();
}

/** `createEvent`, as if made at `ms` (events are stamped with Date.now()). */
function eventAt(ms: number, ...args: Parameters<typeof createEvent>): WfEvent {
  const now = Date.now;
  Date.now = () => ms;
  try {
    return createEvent(...args);
  } finally {
    Date.now = now;
  }
}

/**
 * What run `i` records, started `day` days before 2026-12-03 at a time that grows with `i`: its
 * `run` record, and the status events that stand for its actions and its end (as the local
 * engine hands them to the run log).
 */
export function runRecords(i: number, days: number): Item[] {
  const day = days === 1 ? 0 : Math.floor((i * days) / RUNS);
  const start = Date.UTC(2026, 11, 3 - (days - 1) + day, 0, 0, 0) + (i % (RUNS / days)) * 1000;
  const at = (ms: number) => new Date(start + ms).toISOString();
  const runId = `run-${String(i).padStart(5, "0")}`;
  const records: Item[] = [
    {
      v: 1,
      kind: "run",
      id: `h-${i}`,
      dagId: "orders_etl_1.0.0",
      runId,
      host,
      pid: process.pid,
      at: at(0),
      workflow: "orders_etl",
      version: "1.0.0",
      dagHash: "9f1c0e6ad3b4",
      engine: "local",
      scope: "run",
      params: { currency: "EUR", minAmount: 0 },
      tags: i % 10 === 0 ? ["nightly"] : [],
      originalRunId: null,
      code: { package: { name: "my-pipelines", version: "1.4.2" }, wfkit: "0.1.0", node: "v20.20.2", git: null },
      tasks: TASKS.map((task, t) => ({ task, upstreams: t === 0 ? [] : [TASKS[t - 1]!], retries: 0 })),
    },
  ];
  const origin = { runId, dagId: "orders_etl_1.0.0", workflowName: "orders_etl", version: "1.0.0", engine: "local" as const };
  TASKS.forEach((task, t) => {
    records.push(eventAt(start + 10 + t * 100, origin, "task.started", {}, { task, attempt: 1 }));
    records.push(eventAt(start + 100 + t * 100, origin, "task.succeeded", { durationMs: 90, metrics: { rows: 1000 } }, { task, attempt: 1 }));
  });
  records.push(i % 17 === 0 ? eventAt(start + 400, origin, "run.failed", { durationMs: 400, failedTasks: ["Load"] }) : eventAt(start + 400, origin, "run.succeeded", { durationMs: 400 }));
  return records;
}

export function allRecords(days: number): Item[] {
  return Array.from({ length: RUNS }, (_, i) => runRecords(i, days)).flat();
}

