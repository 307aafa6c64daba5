import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import {
  EVENT_DATA_SCHEMA,
  EVENT_TYPE_PREFIX,
  type EngineName,
  type EventAction,
  type EventError,
  type WfEvent,
  type WfEventData,
  type WfEventDataOf,
} from "./wf-event.js";
import { errorMessage, errorName } from "../errors/wfkit-error.js";
import { resolvableByOf } from "../errors/classify-error.js";
import { maskUrlCredentials } from "../logging/mask.js";
import { isoTime } from "../logging/log-record.js";

/** Who emits an event: a run's identity (a `RunContext` is one). */
export interface EventOrigin {
  readonly runId: string;
  readonly dagId: string;
  readonly workflowName: string;
  readonly version: string;
  readonly engine: EngineName;
}

/** The fields of an action's `data` that the caller gives: everything but the common ones. */
export type EventPayload<A extends EventAction> = Omit<
  WfEventDataOf<A>,
  "action" | "runId" | "dagId" | "workflow" | "version" | "engine" | "host" | "pid" | "task" | "attempt"
>;

/** The task (and attempt) a task event is about. */
export interface EventTask {
  task: string;
  attempt: number;
  /** The process the event is about, when not this one (`task.crashed`, reported by the supervisor). */
  pid?: number | undefined;
}

let host: string | undefined;

/**
 * A new status event, stamped with the run's identity, this host and process, and the task's
 * (required for `task.*` and custom events). Its id is a fresh UUID that stays the same
 * wherever the event goes (spool, retries, redeliveries).
 */
export function createEvent<A extends EventAction>(origin: EventOrigin, action: A, payload: EventPayload<A>, task?: EventTask): WfEvent {
  // Field by field rather than with spreads (a run makes two per task): the same keys in the
  // same order, so the same JSON.
  const data: Record<string, unknown> = {
    action,
    runId: origin.runId,
    dagId: origin.dagId,
    workflow: origin.workflowName,
    version: origin.version,
    engine: origin.engine,
    host: (host ??= hostname()),
    pid: task?.pid ?? process.pid,
  };
  if (task) {
    data["task"] = task.task;
    data["attempt"] = task.attempt;
  }
  Object.assign(data, payload);
  return {
    specversion: "1.0",
    id: randomUUID(),
    source: `/wfkit/${origin.engine}/${origin.dagId}`,
    type: `${EVENT_TYPE_PREFIX}${action}`,
    time: isoTime(Date.now()),
    subject: task ? `${origin.runId}/${task.task}` : origin.runId,
    datacontenttype: "application/json",
    dataschema: EVENT_DATA_SCHEMA,
    data: data as WfEventData,
  };
}

/** An error as failure events carry it: class, message (credentials masked) and who can fix it. */
export function eventErrorOf(error: unknown): EventError {
  return { name: errorName(error), message: maskUrlCredentials(errorMessage(error)), resolvableBy: resolvableByOf(error) };
}
