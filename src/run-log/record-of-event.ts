import type { WfEvent, WfEventData } from "../events/wf-event.js";
import { RUN_LOG_SCHEMA_VERSION, type ActionRecord, type EndRecord, type TaskAction } from "./run-log-record.js";

/** The task action of each task event that records one. */
function actionOf(action: WfEventData["action"]): TaskAction | undefined {
  switch (action) {
    case "task.started":
      return "run";
    case "task.succeeded":
      return "success";
    case "task.failed":
      return "fail";
    case "task.retrying":
      return "retry";
    case "task.terminated":
      return "terminate";
    case "task.skipped":
      return "inaction";
    case "task.crashed":
      return "crash";
    default:
      return undefined;
  }
}

/**
 * The run-log record a status event stands for, or undefined for the events that record
 * nothing (`run.started`, whose process writes a fuller run record; `task.progress`; custom
 * events). The run log is a projection of the status events: every engine publishes them, so
 * records and events can never disagree. The record's id is the event's, so an event recorded
 * twice (a replay) is one record. Keys come in the order {@link recordJsonOfEvent} writes them.
 */
export function recordOfEvent(event: WfEvent): ActionRecord | EndRecord | undefined {
  const data = event.data;
  switch (data.action) {
    case "run.succeeded":
    case "run.failed":
    case "run.terminated":
      return {
        v: RUN_LOG_SCHEMA_VERSION,
        kind: "end",
        ...origin(event),
        status: data.action === "run.succeeded" ? "success" : data.action === "run.failed" ? "failed" : "terminated",
        durationMs: data.durationMs,
      };
  }
  const action = actionOf(data.action);
  if (action === undefined || !("task" in data)) return undefined;
  const record: ActionRecord = {
    v: RUN_LOG_SCHEMA_VERSION,
    kind: "action",
    ...origin(event),
    task: data.task,
    attempt: data.attempt,
    action,
  };
  const extra = data as { durationMs?: number; error?: ActionRecord["error"]; reason?: string; metrics?: Record<string, number>; exitCode?: number | null; signal?: string | null };
  if (extra.durationMs !== undefined) record.durationMs = extra.durationMs;
  if (extra.error !== undefined) record.error = extra.error;
  if (extra.reason !== undefined) record.reason = extra.reason;
  if (extra.metrics !== undefined && data.action !== "task.progress") record.metrics = extra.metrics;
  if (extra.exitCode !== undefined) record.exitCode = extra.exitCode;
  if (extra.signal !== undefined) record.signal = extra.signal;
  return record;
}

// The JSON of what every record of one run's process repeats (dag id, run id, host, pid), made
// once per run rather than per record.
let last = { dagId: "", runId: "", host: "", pid: -1, ids: "", where: "" };

/**
 * `JSON.stringify(recordOfEvent(event))`, made without the record object: the local engine
 * records two actions per task, and building each record and serialising it cost more than the
 * rest of the run log together. Ids (UUIDs), times (ISO) and action names need no escaping; every
 * other text goes through JSON.stringify. `test/unit/run-log/record-of-event.test.ts` holds the
 * two to the same bytes for every action.
 */
export function recordJsonOfEvent(event: WfEvent): string | undefined {
  const data = event.data;
  const action = actionOf(data.action);
  if (action === undefined) {
    const record = recordOfEvent(event);
    return record === undefined ? undefined : JSON.stringify(record);
  }
  if (!("task" in data)) return undefined;
  if (data.dagId !== last.dagId || data.runId !== last.runId || data.host !== last.host || data.pid !== last.pid) {
    last = {
      dagId: data.dagId,
      runId: data.runId,
      host: data.host,
      pid: data.pid,
      ids: `"dagId":${JSON.stringify(data.dagId)},"runId":${JSON.stringify(data.runId)},"at":"`,
      where: `","host":${JSON.stringify(data.host)},"pid":${data.pid}`,
    };
  }
  let json = `{"v":${RUN_LOG_SCHEMA_VERSION},"kind":"action","id":"${event.id}",${last.ids}${event.time}${last.where},"task":${JSON.stringify(data.task)},"attempt":${data.attempt},"action":"${action}"`;
  const extra = data as { durationMs?: number; error?: unknown; reason?: string; metrics?: Record<string, number>; exitCode?: number | null; signal?: string | null };
  if (extra.durationMs !== undefined) json += `,"durationMs":${JSON.stringify(extra.durationMs)}`;
  if (extra.error !== undefined) json += `,"error":${JSON.stringify(extra.error)}`;
  if (extra.reason !== undefined) json += `,"reason":${JSON.stringify(extra.reason)}`;
  if (extra.metrics !== undefined) json += `,"metrics":${emptyObject(extra.metrics) ? "{}" : JSON.stringify(extra.metrics)}`;
  if (extra.exitCode !== undefined) json += `,"exitCode":${JSON.stringify(extra.exitCode)}`;
  if (extra.signal !== undefined) json += `,"signal":${JSON.stringify(extra.signal)}`;
  return `${json}}`;
}

function emptyObject(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

/** Where and when an event's record happened: the fields every record shares, in their order. */
function origin(event: WfEvent): { id: string; dagId: string; runId: string; at: string; host: string; pid: number } {
  const { dagId, runId, host, pid } = event.data;
  return { id: event.id, dagId, runId, at: event.time, host, pid };
}
