import type { WfEvent, WfEventData } from "../events/wf-event.js";
import { RUN_LOG_SCHEMA_VERSION, type ActionRecord, type AuditRecord, type CatalogRecord, type EndRecord, type TaskAction } from "./run-log-record.js";

/** The actions of the status events that stand for a record (task actions and the run's end). */
export const RECORDED_ACTIONS: ReadonlySet<string> = new Set([
  "task.started",
  "task.succeeded",
  "task.failed",
  "task.retrying",
  "task.terminated",
  "task.skipped",
  "task.reused",
  "task.crashed",
  "task.catalog",
  "task.audit",
  "run.succeeded",
  "run.failed",
  "run.terminated",
]);

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
    case "task.reused":
      return "reuse";
    default:
      return undefined;
  }
}

/**
 * The run-log record a status event stands for, or undefined for the events that record
 * nothing (`run.started`, whose process writes a fuller run record; `task.progress`; custom
 * events). The run log is a projection of the status events: every engine publishes them, so
 * records and events can never disagree. The record's id is the event's, so an event recorded
 * twice (a replay) is one record.
 */
export function recordOfEvent(event: WfEvent): ActionRecord | AuditRecord | CatalogRecord | EndRecord | undefined {
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
  if (data.action === "task.audit") {
    const { task, attempt, records, dataRange, errorCount, errors, statuses, sources, targets, extracts } = data;
    return { v: RUN_LOG_SCHEMA_VERSION, kind: "audit", ...origin(event), workflow: data.workflow, task, attempt, records, dataRange, errorCount, errors, statuses, sources, targets, extracts };
  }
  if (data.action === "task.catalog") {
    const { task, attempt, stage, name, form, location, sha256, size } = data;
    return { v: RUN_LOG_SCHEMA_VERSION, kind: "catalog", ...origin(event), task, attempt, stage, name, form, location, sha256, size };
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
  if (data.action === "task.failed") {
    if (data.willRetry !== undefined) record.willRetry = data.willRetry;
    if (data.maxAttempts !== undefined) record.maxAttempts = data.maxAttempts;
  }
  if (data.action === "task.reused") {
    record.originalRunId = data.originalRunId;
    record.originalStatus = data.originalStatus;
  }
  return record;
}

/** Where and when an event's record happened: the fields every record shares, in their order. */
function origin(event: WfEvent): { id: string; dagId: string; runId: string; at: string; host: string; pid: number } {
  const { dagId, runId, host, pid } = event.data;
  return { id: event.id, dagId, runId, at: event.time, host, pid };
}
