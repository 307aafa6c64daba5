import { RUN_LOG_SCHEMA_VERSION, type ActionRecord, type CatalogRecord, type EndRecord, type RunLogRecord, type RunRecord } from "./run-log-record.js";
import { groupBy } from "../util/group-by.js";
import type { AttemptView, CatalogView, RunState, RunSummary, RunView, TaskState, TaskView } from "./run-view.js";

/** Whether the process `pid` on `host` lives: true/false, or undefined when it cannot be told (another host). */
export type ProcessCheck = (host: string, pid: number) => boolean | undefined;

/** A run folded from its records, and the crash records that folding found missing. */
export interface ProjectedRun {
  view: RunView;
  /** `crash` actions and a `crashed` end for processes found gone: to be recorded, so the crash stays known. */
  detected: (ActionRecord | EndRecord)[];
}

const ENDS: Partial<Record<ActionRecord["action"], AttemptView["status"]>> = {
  success: "success",
  fail: "failed",
  inaction: "skipped",
  terminate: "terminated",
  crash: "crashed",
};
const DONE = new Set<TaskState>(["success", "skipped", "failed", "terminated", "crashed", "upstream_failed", "reused"]);
const BLOCKING = new Set<TaskState>(["failed", "terminated", "crashed", "upstream_failed"]);

/**
 * Fold one run's records (any order, duplicates allowed: the same `id` counts once) into what
 * happened: the run, each task with its attempts. Returns undefined for records of a run whose
 * `run` record is gone. A `running` attempt or whole run whose process `alive` says is gone is
 * `crashed` (Rocketry's crash), and the records saying so come back in `detected`.
 *
 * The run's status: its `end` record's when a process saw it whole; otherwise (an Airflow run,
 * which no process sees whole) from its tasks: `running` while tasks remain, then `terminated`
 * if any was, `failed` if any failed or crashed, else `success`.
 */
export function projectRun(input: readonly RunLogRecord[], alive: ProcessCheck): ProjectedRun | undefined {
  const seen = new Set<string>();
  const records = input.filter((r) => !seen.has(r.id) && seen.add(r.id)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const headers = records.filter((r): r is RunRecord => r.kind === "run");
  const first = headers[0];
  if (first === undefined) return undefined;
  const whole = headers.find((h) => h.scope === "run");
  const end = records.findLast((r): r is EndRecord => r.kind === "end");
  const actions = groupBy(
    records.filter((r): r is ActionRecord => r.kind === "action"),
    (r) => r.task,
  );
  const catalog = groupBy(
    records.filter((r): r is CatalogRecord => r.kind === "catalog"),
    (r) => r.task,
  );
  const detected: (ActionRecord | EndRecord)[] = [];
  const wholeGone = whole !== undefined && end === undefined && alive(whole.host, whole.pid) === false;
  const known = new Map((whole ?? first).tasks.map((t) => [t.task, t]));
  const tasks: TaskView[] = [];
  for (const t of (whole ?? first).tasks) tasks.push(taskView(t.task, t.upstreams, t.retries, actions.get(t.task) ?? [], whole !== undefined, alive, detected, wholeGone));
  for (const [task, list] of actions) if (!known.has(task)) tasks.push(taskView(task, [], 0, list, whole !== undefined, alive, detected, wholeGone));
  for (const t of tasks) {
    t.catalog = (catalog.get(t.task) ?? []).map((r): CatalogView => ({ stage: r.stage, name: r.name, form: r.form, location: r.location, sha256: r.sha256, size: r.size, at: r.at, attempt: r.attempt }));
  }
  // A task that never ran below a crashed one is `upstream_failed` on every engine, as Airflow shows it.
  blockDownstreams(tasks);

  let status: RunState;
  let endedAt: string | null = null;
  if (end !== undefined) {
    status = end.status;
    endedAt = end.at;
  } else if (whole !== undefined) {
    status = wholeGone ? "crashed" : "running";
    if (wholeGone) {
      endedAt = records[records.length - 1]!.at;
      detected.push({ v: RUN_LOG_SCHEMA_VERSION, kind: "end", id: `crashed:${whole.id}`, dagId: whole.dagId, runId: whole.runId, at: endedAt, host: whole.host, pid: whole.pid, status: "crashed", durationMs: ms(whole.at, endedAt) });
    }
  } else {
    status = derivedStatus(tasks);
    if (status !== "running") endedAt = records[records.length - 1]!.at;
  }
  const view: RunView = {
    dagId: first.dagId,
    runId: first.runId,
    workflow: first.workflow,
    version: first.version,
    dagHash: first.dagHash,
    engine: first.engine,
    status,
    startedAt: first.at,
    endedAt,
    durationMs: endedAt === null ? null : ms(first.at, endedAt),
    params: first.params,
    tags: [...new Set(headers.flatMap((h) => h.tags))],
    originalRunId: first.originalRunId,
    hosts: [...new Set(headers.map((h) => h.host))],
    code: first.code,
    tasks,
  };
  return { view, detected };
}

/** The run in a list: its tasks counted by status. */
export function summaryOf(view: RunView): RunSummary {
  const counts: Partial<Record<TaskState, number>> = {};
  for (const t of view.tasks) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return { ...view, tasks: counts };
}

function taskView(
  task: string,
  upstreams: string[],
  retries: number,
  actions: ActionRecord[],
  wholeRun: boolean,
  alive: ProcessCheck,
  detected: (ActionRecord | EndRecord)[],
  wholeGone: boolean,
): TaskView {
  const attempts = new Map<number, AttemptView>();
  const attemptOf = (a: ActionRecord): AttemptView => {
    let view = attempts.get(a.attempt);
    if (view === undefined) {
      attempts.set(a.attempt, (view = { attempt: a.attempt, status: "running", startedAt: null, endedAt: null, durationMs: null, host: a.host, pid: a.pid, retried: false }));
    }
    return view;
  };
  let skipReason: string | undefined;
  let metrics: Record<string, number> | undefined;
  let lastStart: ActionRecord | undefined;
  let reused: TaskView["reused"];
  // What each attempt's `fail` record said of a retry (records of wfkit 0.1.0 say nothing).
  let willRetry: Map<number, boolean> | undefined;
  for (const a of actions) {
    // A reused task did not run in this run: no attempt of its own.
    if (a.action === "reuse") {
      reused = { runId: a.originalRunId ?? "", status: a.originalStatus ?? "success", attempt: a.attempt };
      continue;
    }
    const view = attemptOf(a);
    if (a.action === "run") {
      view.startedAt = a.at;
      view.host = a.host;
      view.pid = a.pid;
      lastStart = a;
      continue;
    }
    if (a.action === "retry") {
      view.retried = true;
      if (a.error !== undefined) view.error ??= a.error;
      continue;
    }
    view.status = ENDS[a.action]!;
    view.endedAt = a.at;
    view.durationMs = a.durationMs ?? (view.startedAt === null ? null : ms(view.startedAt, a.at));
    if (a.error !== undefined) view.error = a.error;
    if (a.reason !== undefined) view.reason = a.reason;
    if (a.metrics !== undefined) metrics = view.metrics = a.metrics;
    if (a.exitCode !== undefined) view.exitCode = a.exitCode;
    if (a.signal !== undefined) view.signal = a.signal;
    if (a.action === "inaction") skipReason = a.reason;
    if (a.willRetry !== undefined) (willRetry ??= new Map()).set(a.attempt, a.willRetry);
  }
  const list = [...attempts.values()].sort((a, b) => a.attempt - b.attempt);
  // An attempt still running whose process is gone crashed: said once, as a record.
  for (const view of list) {
    if (view.status !== "running" || (alive(view.host, view.pid) !== false && !wholeGone)) continue;
    view.status = "crashed";
    const at = lastStart?.at ?? view.startedAt ?? new Date(0).toISOString();
    view.endedAt = at;
    view.durationMs = 0;
    detected.push({
      v: RUN_LOG_SCHEMA_VERSION,
      kind: "action",
      id: `crashed:${actions[0]!.dagId}:${actions[0]!.runId}:${task}:${view.attempt}`,
      dagId: actions[0]!.dagId,
      runId: actions[0]!.runId,
      at,
      host: view.host,
      pid: view.pid,
      task,
      attempt: view.attempt,
      action: "crash",
      exitCode: null,
      signal: null,
      reason: "its process is gone without a record of how the attempt ended",
    });
  }
  const last = list[list.length - 1];
  let status: TaskState;
  if (last === undefined) status = reused === undefined ? "not_run" : "reused";
  else if (last.status === "failed" || last.status === "crashed") {
    // As its `fail` record said; else (a crash, or a record of wfkit 0.1.0) a whole run retries
    // where the `retry` action says so, and Airflow while tries are left.
    const said = last.status === "failed" ? willRetry?.get(last.attempt) : undefined;
    status = (said ?? (last.retried || (!wholeRun && last.attempt <= retries))) ? "up_for_retry" : last.status;
  } else status = last.status;
  const view: TaskView = { task, upstreams, status, attempts: list, catalog: [] };
  if (metrics !== undefined) view.metrics = metrics;
  if (skipReason !== undefined && status === "skipped") view.skipReason = skipReason;
  if (reused !== undefined && status === "reused") view.reused = reused;
  return view;
}

/** Tasks that never ran below a task that failed (or was stopped) are `upstream_failed`. */
function blockDownstreams(tasks: TaskView[]): void {
  const byName = new Map(tasks.map((t) => [t.task, t]));
  // Tasks are in topological order, so one pass sees every upstream's final status first.
  for (const t of tasks) {
    if (t.status === "not_run" && t.upstreams.some((u) => BLOCKING.has(byName.get(u)?.status ?? "not_run"))) t.status = "upstream_failed";
  }
}

function derivedStatus(tasks: readonly TaskView[]): RunState {
  if (tasks.some((t) => !DONE.has(t.status))) return "running";
  if (tasks.some((t) => t.status === "terminated")) return "terminated";
  return tasks.some((t) => t.status === "failed" || t.status === "crashed" || t.status === "upstream_failed") ? "failed" : "success";
}

function ms(from: string, to: string): number {
  return Math.max(0, Date.parse(to) - Date.parse(from));
}
