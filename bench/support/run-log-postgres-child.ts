/**
 * One task process of `bench/run-log-postgres.ts`: forked with the subject, the database URL, a
 * folder for WF_HOME, its number, the attempts and the batch size as arguments. It gets ready
 * (the writer opened, or pg connected, outside the timer), says `ready`, waits for `go`, records
 * its attempts and says `done` with how many records it wrote and its own time.
 *
 *   wfkit  the lifecycle's writer: openRunLogWriter(compileRunLogOptions({ store: url }, home));
 *            the process's run record (now), then per attempt an action `run` and an action
 *            `success`, one event-loop turn apart as a task's would be; close() at the end.
 *   raw    plain pg: the same records, INSERTed into the same tables in multi-row VALUES
 *            statements of `batch` rows, each awaited before the next (one per process at a time,
 *            as the writer sends them); the run record also into the runs table.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import pg from "pg";
import { compileRunLogOptions, openRunLogWriter } from "wfkit/engine";

export type ChildMessage = { type: "ready" } | { type: "done"; records: number; ms: number } | { type: "failed"; error: string };

const [subject, url, home, index, attemptsArg, batchArg] = process.argv.slice(2);
if (process.send === undefined || (subject !== "wfkit" && subject !== "raw") || url === undefined || home === undefined) {
  console.error("usage: forked by bench/run-log-postgres.ts");
  process.exit(2);
}
const send = (message: ChildMessage) => process.send!(message);
const attempts = Number(attemptsArg);
const batch = Number(batchArg);
const dagId = "bench_1";
const runId = `round-${process.ppid}-${Date.now()}`;
const task = `task${index}`;
const host = hostname();

/** Fields every record has. */
function common(at: Date) {
  return { v: 1 as const, id: randomUUID(), dagId, runId, at: at.toISOString(), host, pid: process.pid };
}

function runRecord() {
  return {
    ...common(new Date()),
    kind: "run" as const,
    workflow: "bench",
    version: "1",
    dagHash: "0".repeat(16),
    engine: "airflow" as const,
    scope: "task" as const,
    params: {},
    tags: [],
    originalRunId: null,
    code: { package: null, wfkit: "0.1.0", node: process.version, git: null },
    tasks: [{ task, upstreams: [], retries: 0 }],
  };
}

function action(attempt: number, name: "run" | "success") {
  return { ...common(new Date()), kind: "action" as const, task, attempt, action: name, ...(name === "success" ? { durationMs: 1, metrics: {} } : {}) };
}

type AnyRecord = ReturnType<typeof runRecord> | ReturnType<typeof action>;

async function wfkit(go: Promise<void>): Promise<number> {
  const writer = await openRunLogWriter(compileRunLogOptions({ store: url! }, home!), {
    onFileError: (file, error) => console.error(`run log file ${file}: ${String(error)}`),
    onWarning: (message) => console.error(message),
  });
  if (writer === undefined) throw new Error("no run-log writer");
  send({ type: "ready" });
  await go;
  writer.write(runRecord(), true);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    writer.write(action(attempt, "run"), false);
    await nextTurn();
    writer.write(action(attempt, "success"), false);
  }
  await writer.close();
  return 1 + 2 * attempts;
}

async function raw(go: Promise<void>): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  send({ type: "ready" });
  await go;
  let queued: AnyRecord[] = [];
  let written = 0;
  const insert = async (records: AnyRecord[]) => {
    const values: unknown[] = [];
    const rows = records.map((r) => {
      const at = values.length;
      values.push(r.id, r.kind, r.dagId, r.runId, r.at, "task" in r && r.kind === "action" ? r.task : null, r.kind === "action" ? r.action : null, r.kind === "action" ? r.attempt : null, JSON.stringify(r));
      return `(${Array.from({ length: 9 }, (_, i) => `$${at + i + 1}`).join(", ")})`;
    });
    await client.query(`insert into wfkit_run_log_records (id, kind, dag_id, run_id, at, task, action, attempt, record) values ${rows.join(", ")} on conflict (id) do nothing`, values);
    written += records.length;
  };
  const run = runRecord();
  await client.query("insert into wfkit_run_log_runs (dag_id, run_id, first_at) values ($1, $2, $3) on conflict do nothing", [run.dagId, run.runId, run.at]);
  queued.push(run);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    queued.push(action(attempt, "run"));
    await nextTurn();
    queued.push(action(attempt, "success"));
    if (queued.length >= batch) {
      const now = queued;
      queued = [];
      await insert(now);
    }
  }
  if (queued.length > 0) await insert(queued);
  await client.end();
  return written;
}

let start = 0;
const go = new Promise<void>((resolve) =>
  process.once("message", () => {
    start = performance.now();
    resolve();
  }),
);
try {
  const records = await (subject === "wfkit" ? wfkit(go) : raw(go));
  send({ type: "done", records, ms: performance.now() - start });
} catch (error) {
  send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
if (process.connected) process.disconnect();
