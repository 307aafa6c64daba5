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
import { maskUrlCredentials, type Masker } from "../logging/mask.js";
import { isoTime } from "../logging/log-record.js";
import type { TraceIds } from "../telemetry/run-telemetry.js";

/** Who emits an event: a run's identity (a `RunContext` is one). */
export interface EventOrigin {
  readonly runId: string;
  readonly dagId: string;
  readonly workflowName: string;
  readonly version: string;
  readonly engine: EngineName;
  /** The run's masking rule: what the payload carries of the run's data (params, custom payloads, error texts) is masked by it. */
  readonly mask?: Masker | undefined;
  /** The run span's ids (telemetry on, the whole run in this process): the run's own events carry them. */
  readonly trace?: TraceIds | undefined;
}

// Payloads of these actions carry only counts, names and times that wfkit made: nothing to mask
// (and they are the events of every task, so they skip the walk).
const UNMASKED_ACTIONS = new Set<string>(["task.started", "task.succeeded", "task.progress"]);

/** The payload with the run's secrets masked, the same object when nothing was; metrics (numbers under user-chosen names) are left alone. */
function maskedPayload<P extends object>(mask: Masker, payload: P): P {
  const fields = payload as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (key === "metrics" || !Object.hasOwn(fields, key)) continue;
    const value = fields[key];
    const masked = mask.value(value, 0, undefined);
    if (masked !== value) (out ??= { ...fields })[key] = masked;
  }
  return (out ?? payload) as P;
}

/** The fields of an action's `data` that the caller gives: everything but the common ones. */
export type EventPayload<A extends EventAction> = Omit<
  WfEventDataOf<A>,
  "action" | "runId" | "dagId" | "workflow" | "version" | "engine" | "host" | "pid" | "task" | "attempt" | "traceId" | "spanId"
>;

/** The task (and attempt) a task event is about. */
export interface EventTask {
  task: string;
  attempt: number;
  /** The process the event is about, when not this one (`task.crashed`, reported by `wf run-task --report-crash`). */
  pid?: number | undefined;
  /** The attempt span's ids (telemetry on): the event carries them. */
  trace?: TraceIds | undefined;
}

let host: string | undefined;
// The texts every event of a run repeats, made once rather than per event (a new string per
// event is also one more to flatten when the event is serialised).
const typeOf = new Map<string, string>();
let lastSource = { engine: "", dagId: "", source: "" };

/**
 * A new status event, stamped with the run's identity, this host and process, and the task's
 * (required for `task.*` and custom events). Its id is a fresh UUID that stays the same
 * wherever the event goes (spool, retries, redeliveries). Its JSON text (see {@link eventJson})
 * is made here, once: an event does not change after it was made.
 */
export function createEvent<A extends EventAction>(origin: EventOrigin, action: A, payload: EventPayload<A>, task?: EventTask): WfEvent {
  // Field by field rather than with spreads (a run makes two per task): the same keys in the
  // same order, so the same JSON.
  if (origin.mask !== undefined && !UNMASKED_ACTIONS.has(action)) payload = maskedPayload(origin.mask, payload);
  const pid = task?.pid ?? process.pid;
  const data: Record<string, unknown> = {
    action,
    runId: origin.runId,
    dagId: origin.dagId,
    workflow: origin.workflowName,
    version: origin.version,
    engine: origin.engine,
    host: (host ??= hostname()),
    pid,
  };
  if (task) {
    data["task"] = task.task;
    data["attempt"] = task.attempt;
  }
  const trace = task === undefined ? origin.trace : task.trace;
  if (trace !== undefined) {
    data["traceId"] = trace.traceId;
    data["spanId"] = trace.spanId;
  }
  Object.assign(data, payload);
  const source = sourceOf(origin.engine, origin.dagId);
  const type = typeOf.get(action) ?? typeFor(action);
  const event = new CreatedEvent(randomUUID(), source, type, isoTime(Date.now()), task ? `${origin.runId}/${task.task}` : origin.runId, data as WfEventData);
  event.encode(origin, pid, task, trace, payload);
  return event as WfEvent;
}

/**
 * The JSON text of an event, the same bytes as `JSON.stringify(event)`: for an event that
 * {@link createEvent} made, the text made with it (events.jsonl and RabbitMQ take the same
 * text, and the event is serialised once); for any other, JSON.stringify's.
 */
export function eventJson(event: WfEvent): string {
  return CreatedEvent.jsonOf(event) ?? JSON.stringify(event);
}

/**
 * An event as createEvent makes it: the CloudEvents envelope as own properties, in the order
 * JSON.stringify writes them, and, privately (invisible to JSON, spreads and equality), its
 * JSON text.
 *
 * Why by hand rather than JSON.stringify: a run writes two events per task, and stringifying a
 * ~500-byte event was the largest single cost of a run of short tasks (about 2.7 µs of a task's
 * ~24). Most of an event is the same for the whole run (source, type, dataschema, run id, dag id,
 * workflow, version, engine, host, pid); those parts are made into JSON once per run and
 * pasted, and only what differs (id, time, subject, task, attempt, payload) is encoded per
 * event. The payload is JSON.stringify's own text; a payload that JSON could not paste in
 * place (a key that Object.assign would have put elsewhere) falls back to JSON.stringify of
 * the whole event.
 */
class CreatedEvent {
  declare readonly specversion: "1.0";
  declare readonly id: string;
  declare readonly source: string;
  declare readonly type: string;
  declare readonly time: string;
  declare readonly subject: string;
  declare readonly datacontenttype: "application/json";
  declare readonly dataschema: string;
  declare readonly data: WfEventData;
  #json = "";

  constructor(id: string, source: string, type: string, time: string, subject: string, data: WfEventData) {
    this.specversion = "1.0";
    this.id = id;
    this.source = source;
    this.type = type;
    this.time = time;
    this.subject = subject;
    this.datacontenttype = "application/json";
    this.dataschema = EVENT_DATA_SCHEMA;
    this.data = data;
  }

  static jsonOf(event: object): string | undefined {
    return #json in event ? (event as CreatedEvent).#json : undefined;
  }

  encode(origin: EventOrigin, pid: number, task: EventTask | undefined, trace: TraceIds | undefined, payload: object): void {
    const rest = payloadJson(payload);
    if (rest === undefined) {
      this.#json = JSON.stringify(this);
      return;
    }
    const fixed = fixedJsonOf(origin, this.source, pid);
    // Ids are hex: nothing to escape.
    const taskJson =
      (task ? `,"task":${JSON.stringify(task.task)},"attempt":${JSON.stringify(task.attempt) ?? "null"}` : "") +
      (trace === undefined ? "" : `,"traceId":"${trace.traceId}","spanId":"${trace.spanId}"`);
    this.#json =
      // The id (a UUID) and the time (ISO-8601) have nothing JSON escapes.
      `{"specversion":"1.0","id":"${this.id}",${fixed.source},"type":${typeJsonOf(this.type)},"time":"${this.time}",` +
      `"subject":${JSON.stringify(this.subject)},${SCHEMA_JSON}"data":{"action":${typeJsonOf(this.data.action)}${fixed.data}${taskJson}${rest}}}`;
  }
}

/** The keys createEvent sets before the payload's: a payload key among them (or an array index, which JSON writes first) is not pasted. */
const BASE_KEYS = new Set(["action", "runId", "dagId", "workflow", "version", "engine", "host", "pid", "task", "attempt", "traceId", "spanId"]);

/** `,"key":value…` of the payload as Object.assign would add them to the data, or undefined when that is not JSON.stringify's text. */
function payloadJson(payload: object): string | undefined {
  let empty = true;
  for (const key in payload) {
    if (!Object.hasOwn(payload, key)) continue;
    // An array index starts with a digit (a key that merely starts with one is only slower).
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || BASE_KEYS.has(key) || key === "toJSON") return undefined;
    empty = false;
  }
  if (empty) return "";
  const json = JSON.stringify(payload);
  return json.length === 2 ? "" : `,${json.slice(1, -1)}`;
}

/** The parts of an event's JSON that are the same for every event of a run in this process, and what they were made from. */
interface FixedJson {
  readonly runId: string;
  readonly dagId: string;
  readonly workflow: string;
  readonly version: string;
  readonly engine: string;
  readonly pid: number;
  /** `"source":"/wfkit/…"` */
  readonly source: string;
  /** `,"runId":…,"dagId":…,"workflow":…,"version":…,"engine":…,"host":…,"pid":…` */
  readonly data: string;
}

let lastFixed: FixedJson | undefined;
const SCHEMA_JSON = `"datacontenttype":"application/json","dataschema":${JSON.stringify(EVENT_DATA_SCHEMA)},`;

function fixedJsonOf(origin: EventOrigin, source: string, pid: number): FixedJson {
  // One entry: a process emits for one run at a time (a test may switch; then it is made again).
  const f = lastFixed;
  if (
    f !== undefined &&
    f.runId === origin.runId &&
    f.dagId === origin.dagId &&
    f.workflow === origin.workflowName &&
    f.version === origin.version &&
    f.engine === origin.engine &&
    f.pid === pid
  ) {
    return f;
  }
  const q = JSON.stringify;
  lastFixed = {
    runId: origin.runId,
    dagId: origin.dagId,
    workflow: origin.workflowName,
    version: origin.version,
    engine: origin.engine,
    pid,
    source: `"source":${q(source)}`,
    data:
      `,"runId":${q(origin.runId)},"dagId":${q(origin.dagId)},"workflow":${q(origin.workflowName)},"version":${q(origin.version)},` +
      `"engine":${q(origin.engine)},"host":${q(host)},"pid":${q(pid) ?? "null"}`,
  };
  return lastFixed;
}

const typeJson = new Map<string, string>();

/** JSON of a type or action text: wfkit's own are kept (the table cannot grow). */
function typeJsonOf(text: string): string {
  let json = typeJson.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (typeJson.size < 64) typeJson.set(text, json);
  }
  return json;
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
