import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import {
  CUSTOM_ACTION,
  EVENT_DATA_SCHEMA,
  EVENT_TYPE_PREFIX,
  LIFECYCLE_ACTIONS,
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
// The texts every event of a run repeats, made once rather than per event (a new string per
// event is also one more to flatten when the event is serialised).
const typeOf = new Map<string, string>();
let lastSource = { engine: "", dagId: "", source: "" };

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
    source: sourceOf(origin.engine, origin.dagId),
    type: typeOf.get(action) ?? typeFor(action),
    time: isoTime(Date.now()),
    subject: task ? `${origin.runId}/${task.task}` : origin.runId,
    datacontenttype: "application/json",
    dataschema: EVENT_DATA_SCHEMA,
    data: data as WfEventData,
  };
}

function sourceOf(engine: string, dagId: string): string {
  if (engine !== lastSource.engine || dagId !== lastSource.dagId) lastSource = { engine, dagId, source: `/wfkit/${engine}/${dagId}` };
  return lastSource.source;
}

function typeFor(action: string): string {
  const type = `${EVENT_TYPE_PREFIX}${action}`;
  // Only wfkit's own actions are kept: the table cannot grow.
  if (action === CUSTOM_ACTION || (LIFECYCLE_ACTIONS as readonly string[]).includes(action)) typeOf.set(action, type);
  return type;
}

/** An error as failure events carry it: class, message (credentials masked) and who can fix it. */
export function eventErrorOf(error: unknown): EventError {
  return { name: errorName(error), message: maskUrlCredentials(errorMessage(error)), resolvableBy: resolvableByOf(error) };
}
