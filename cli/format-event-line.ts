import * as z from "zod";
import { colors } from "../src/util/colors.js";
import { formatCount } from "../src/progress/progress-format.js";
import { EVENT_TYPE_PREFIX, WfEventSchema, type EventError, type WfEvent } from "../src/events/wf-event.js";

/** What `wf events tail` knows of a message from the bus. */
export interface BusDelivery {
  routingKey: string;
  /** The body, decoded as UTF-8. */
  body: string;
  /** When it arrived (the time shown for messages that carry none). */
  receivedAt: Date;
}

/** The columns every wfkit event line starts with. */
export interface EventHead {
  /** RFC 3339. */
  time: string;
  dagId: string;
  runId: string;
  action: string;
  /** Absent on run events. */
  task?: string | undefined;
  attempt?: number | undefined;
}

/**
 * A bus message, read: a wfkit event (`event` when this version can read all its fields, else
 * only its `head`), or anything else (OpenLineage, foreign messages, garbage) with a note on what
 * it is.
 */
export type ReadMessage =
  | { kind: "event"; head: EventHead; event?: WfEvent | undefined; problem?: string | undefined }
  | { kind: "other"; note: string; time?: string | undefined };

/** Least widths of the columns that vary in width, so that consecutive lines line up. */
export interface EventColumns {
  dag: number;
  run: number;
  task: number;
}

/** How lines look. */
export interface EventLineOptions {
  /** ANSI colours (the action by outcome, the time dimmed). */
  color: boolean;
  /** Least column widths; see {@link widenColumns}. Default {@link FIRST_COLUMNS}. */
  columns?: EventColumns | undefined;
}

/** Columns before any line: room for the usual `Name#1`, so the first lines line up too. */
export const FIRST_COLUMNS: EventColumns = Object.freeze({ dag: 0, run: 0, task: 14 });

// Past these, a hostile or odd value would push every later line to the right for good.
const MAX_PAD = 48;
const MAX_NAME = 120;
const MAX_TEXT = 240;
const MAX_FACTS = 600;
const ACTION_WIDTH = "task.terminated".length;

/** The parts of a wfkit event that every version has; enough to show its head and filter by run. */
const LooseEventSchema = z.object({
  type: z.string().startsWith(EVENT_TYPE_PREFIX),
  time: z.string(),
  dataschema: z.string().optional(),
  data: z.object({
    action: z.string(),
    runId: z.string(),
    dagId: z.string(),
    task: z.string().optional(),
    attempt: z.number().optional(),
  }),
});

/** Read a message body: a wfkit CloudEvent, an OpenLineage RunEvent, or something else. */
export function readBusMessage(body: string): ReadMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: "other", note: `not a wfkit event: not JSON (${Buffer.byteLength(body)} bytes)` };
  }
  const strict = WfEventSchema.safeParse(json);
  if (strict.success) return { kind: "event", head: headOf(strict.data), event: strict.data };
  const loose = LooseEventSchema.safeParse(json);
  if (loose.success) {
    const issue = strict.error.issues[0];
    const where = issue === undefined ? "" : `${issue.path.join(".") || "event"}: ${issue.message}`;
    return { kind: "event", head: headOf(loose.data), problem: `fields this wf version cannot read (${loose.data.dataschema ?? "no dataschema"}; ${where})` };
  }
  const lineage = OpenLineageHeadSchema.safeParse(json);
  if (lineage.success) {
    return { kind: "other", note: `OpenLineage ${lineage.data.eventType} of job ${lineage.data.job.name}, not a wfkit event`, time: lineage.data.eventTime };
  }
  return { kind: "other", note: "not a wfkit event (JSON of another shape)" };
}

const OpenLineageHeadSchema = z.object({ eventType: z.string(), eventTime: z.string().optional(), job: z.object({ name: z.string() }) });

function headOf(event: z.infer<typeof LooseEventSchema>): EventHead {
  const d = event.data;
  return { time: event.time, dagId: d.dagId, runId: d.runId, action: d.action, task: d.task, attempt: d.attempt };
}

/**
 * One line (no newline at the end) for a bus message as {@link readBusMessage} read it:
 * `time  dag id  run id  task#attempt  action  facts` for a wfkit event, `time  routing key  note`
 * for anything else. Every string from the message has its control characters escaped, so a
 * message can neither span lines nor drive the terminal.
 */
export function formatBusMessage(delivery: BusDelivery, read: ReadMessage, options: EventLineOptions): string {
  if (read.kind === "other") {
    const time = localTime(read.time, delivery.receivedAt);
    const note = `${oneLine(read.note, MAX_TEXT)}; --json prints it`;
    return [paint(options.color, "dim", time), oneLine(delivery.routingKey, MAX_NAME) || "(no routing key)", paint(options.color, "dim", note)].join("  ");
  }
  if (read.event !== undefined) return formatEventLine(read.event, options);
  return join(headColumns(read.head, options, delivery.receivedAt), [paint(options.color, "dim", `${oneLine(read.problem ?? "", MAX_TEXT)}; --json prints it`)]);
}

/**
 * One line (no newline) for a wfkit event: local time, dag id, run id, `task#attempt` (`run`
 * for run events), the action (coloured by outcome), then what the action says: duration,
 * error `Name: message (resolvableBy)`, whether a failure is final (`(will retry, attempt 1/3)`),
 * retry, progress `completed/total unit`, crash signal or exit code, custom name and payload,
 * metrics `k=v`.
 */
export function formatEventLine(event: WfEvent, options: EventLineOptions): string {
  return join(headColumns(headOf(event), options), factsOf(event));
}

/** `columns` widened to fit this message's dag id, run id and task (capped, so an outlier cannot stretch every later line). */
export function widenColumns(columns: EventColumns, read: ReadMessage): EventColumns {
  if (read.kind !== "event") return columns;
  const width = (text: string, least: number) => Math.max(least, Math.min(MAX_PAD, text.length));
  const head = read.head;
  return {
    dag: width(oneLine(head.dagId, MAX_NAME), columns.dag),
    run: width(oneLine(head.runId, MAX_NAME), columns.run),
    task: width(taskColumn(head), columns.task),
  };
}

/**
 * One output line of `--json` for a body: the body itself when it is JSON on one line (the
 * usual case: byte for byte as received); JSON spread over lines, compacted; anything else as a
 * JSON string, so that every line of the output parses.
 */
export function jsonLine(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return JSON.stringify(body);
  }
  return /[\r\n\u2028\u2029]/.test(body) ? JSON.stringify(json) : body;
}

/**
 * `text` on one line: control characters (C0, DEL, C1), line and paragraph separators and
 * bidirectional overrides escaped (`\n`, `\x1b`, `\u2028`); cut to `max` characters with `…`.
 */
export function oneLine(text: string, max = Infinity): string {
  const escaped = text.replace(UNSAFE, (c) => ESCAPES.get(c) ?? escapeCode(c.charCodeAt(0)));
  return escaped.length > max ? `${escaped.slice(0, Math.max(0, max - 1))}…` : escaped;
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ESCAPES = new Map([
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["\t", "\\t"],
]);

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

function headColumns(head: EventHead, options: EventLineOptions, fallbackTime?: Date): string[] {
  const columns = options.columns ?? FIRST_COLUMNS;
  const action = oneLine(head.action, MAX_NAME);
  return [
    paint(options.color, "dim", localTime(head.time, fallbackTime)),
    oneLine(head.dagId, MAX_NAME).padEnd(columns.dag),
    oneLine(head.runId, MAX_NAME).padEnd(columns.run),
    taskColumn(head).padEnd(columns.task),
    paint(options.color, ACTION_COLORS.get(head.action), action) + " ".repeat(Math.max(0, ACTION_WIDTH - action.length)),
  ];
}

function taskColumn(head: EventHead): string {
  if (head.task === undefined) return "run";
  return `${oneLine(head.task, MAX_NAME)}${head.attempt === undefined ? "" : `#${head.attempt}`}`;
}

function join(head: string[], facts: string[]): string {
  const tail = facts.filter((f) => f !== "").join("  ");
  // Trailing padding would be invisible noise at the end of lines that have no facts.
  return (tail === "" ? head.join("  ") : `${head.join("  ")}  ${cut(tail, MAX_FACTS)}`).trimEnd();
}

/** What each action says beyond the head, each already on one line. */
function factsOf(event: WfEvent): string[] {
  const d = event.data;
  switch (d.action) {
    case "run.started":
      return Object.keys(d.params).length > 0 ? [`params ${json(d.params)}`] : [];
    case "run.succeeded":
    case "run.terminated":
      return [duration(d.durationMs)];
    case "run.failed":
      return [duration(d.durationMs), d.failedTasks.length > 0 ? `failed: ${oneLine(d.failedTasks.join(", "), MAX_TEXT)}` : ""];
    case "task.started":
      return [];
    case "task.progress":
      return [progress(d.progress.completed, d.progress.total, d.progress.unit), metrics(d.metrics)];
    case "task.catalog":
      return [`${d.stage} ${oneLine(d.name, MAX_NAME)}`, `${d.form}, ${d.size} bytes, sha256 ${d.sha256.slice(0, 12)}`];
    case "task.audit":
      return [
        Object.keys(d.records).length > 0 ? `records ${metrics(d.records)}` : "",
        d.dataRange === null ? "" : `data ${d.dataRange.low.slice(0, 10)}..${d.dataRange.high.slice(0, 10)}`,
        d.errorCount > 0 ? `${d.errorCount} run error${d.errorCount === 1 ? "" : "s"}` : "",
        d.extracts.length > 0 ? `${d.extracts.length} extract change${d.extracts.length === 1 ? "" : "s"}` : "",
      ];
    case "task.succeeded":
      return [duration(d.durationMs), metrics(d.metrics)];
    case "task.failed":
      return [duration(d.durationMs), error(d.error), retryNote(d.attempt, d.willRetry, d.maxAttempts), metrics(d.metrics)];
    case "task.retrying":
      return [error(d.error), `next attempt ${d.nextAttempt} in ${seconds(d.delaySeconds)}`];
    case "task.skipped":
      return [duration(d.durationMs), oneLine(d.reason, MAX_TEXT)];
    case "task.reused":
      return [`from run ${oneLine(d.originalRunId, MAX_NAME)}`, `${d.originalStatus} there on attempt ${d.attempt}`];
    case "task.terminated":
      return [duration(d.durationMs), oneLine(d.reason, MAX_TEXT), metrics(d.metrics)];
    case "task.crashed":
      return [
        d.signal !== null ? `signal ${oneLine(d.signal, MAX_NAME)}` : d.exitCode !== null ? `exit code ${d.exitCode}` : "no exit code or signal",
        d.lastAction !== null ? `after ${oneLine(d.lastAction, MAX_NAME)}` : "before it reported anything",
      ];
    case "custom":
      return [oneLine(d.name, MAX_NAME), json(d.payload)];
  }
}

/** `850 ms`, `1.2 s`, `3m07s`, `2h03m`. */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** A retry delay: `0s`, `1.5s`, `60s`, `5m00s`. */
function seconds(s: number): string {
  if (s < 120) return `${Math.round(s * 10) / 10}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}

function progress(completed: number, total: number | undefined, unit: string | undefined): string {
  const count = total === undefined ? formatCount(completed) : `${formatCount(completed)}/${formatCount(total)}`;
  return unit === undefined || unit === "" ? count : `${count} ${oneLine(unit, MAX_NAME)}`;
}

function metrics(m: Record<string, number>): string {
  return Object.entries(m)
    .map(([key, value]) => `${oneLine(key, MAX_NAME)}=${formatCount(value)}`)
    .join(" ");
}

/** `(will retry, attempt 1/3)` or `(final, attempt 3/3)`; nothing for an event that does not say (wfkit 0.1.0). */
function retryNote(attempt: number, willRetry: boolean | undefined, maxAttempts: number | undefined): string {
  if (willRetry === undefined) return "";
  return `(${willRetry ? "will retry" : "final"}, attempt ${attempt}${maxAttempts === undefined ? "" : `/${maxAttempts}`})`;
}

function error(e: EventError): string {
  return `${oneLine(e.name, MAX_NAME)}: ${oneLine(e.message, MAX_TEXT)} (${oneLine(e.resolvableBy, MAX_NAME)})`;
}

function json(value: unknown): string {
  return oneLine(JSON.stringify(value) ?? "", MAX_TEXT);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Local `HH:MM:SS.mmm` of an RFC 3339 time; of `fallback` (else `?`) when there is none or it does not parse. */
function localTime(iso: string | undefined, fallback?: Date): string {
  let date = iso === undefined ? undefined : new Date(iso);
  if (date === undefined || Number.isNaN(date.getTime())) date = fallback;
  if (date === undefined) return "??:??:??.???";
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

type Paint = "green" | "red" | "yellow" | "dim";

// A Map, not an object: the action comes off the wire, and `__proto__` must not find a painter.
const ACTION_COLORS = new Map<string, Paint>([
  ["run.succeeded", "green"],
  ["task.succeeded", "green"],
  ["run.failed", "red"],
  ["task.failed", "red"],
  ["task.crashed", "red"],
  ["task.retrying", "yellow"],
  ["run.terminated", "yellow"],
  ["task.terminated", "yellow"],
  ["task.progress", "dim"],
  ["task.catalog", "dim"],
]);

function paint(on: boolean, color: Paint | undefined, text: string): string {
  return on && color !== undefined ? colors[color](text) : text;
}
