import { logLevelName } from "./log-level.js";
import { isoTime, type LogRecord } from "./log-record.js";
import { LINE_FIELDS, type LogFields } from "./log-fields.js";

/** The value of a built-in field of a record, or undefined when the record has none. */
export function builtinValue(record: LogRecord, name: string): unknown {
  switch (name) {
    case "timestamp":
      return isoTime(record.time);
    case "time":
      return isoTime(record.time).slice(11, 23);
    case "level":
      return logLevelName(record.levelId);
    case "logger":
      return record.logger;
    case "message":
      return record.message;
    case "file":
      return record.position?.file;
    case "line":
      return record.position?.line;
    case "function":
      return record.position?.function;
    default:
      return undefined;
  }
}

const BUILTIN = new Set(["timestamp", "time", "level", "logger", "message", "file", "line", "function"]);
const LINE_SET: ReadonlySet<string> = new Set(LINE_FIELDS);

/** Whether `name` is a built-in field (not looked up in bound or per-call fields). */
export function isBuiltin(name: string): boolean {
  return BUILTIN.has(name);
}

/**
 * The fields of one line, in order. Without `metadata`: timestamp, level, logger, message, every
 * bound field, every per-call field (a per-call field replaces a bound one of the same name).
 * With `metadata` (WF_LOG_METADATA): exactly those fields in that order, `*` standing for every
 * bound and per-call field not named; the message comes last when not named. Absent fields
 * (no `task` on wfkit's own loggers, no code position) are left out.
 */
export function fieldEntries(record: LogRecord, bound: LogFields, metadata: readonly string[] | null): [string, unknown][] {
  const fields = record.fields;
  const out: [string, unknown][] = [];
  const push = (key: string, value: unknown) => {
    if (value !== undefined) out.push([key, value]);
  };
  const rest = (named: ReadonlySet<string>) => {
    for (const key in bound) if (!named.has(key) && (fields === undefined || !(key in fields))) push(key, bound[key]);
    if (fields) for (const key in fields) if (!named.has(key)) push(key, fields[key]);
  };
  if (metadata === null) {
    for (const name of LINE_FIELDS) push(name, builtinValue(record, name));
    rest(LINE_SET);
    return out;
  }
  const named = new Set(metadata);
  for (const name of metadata) {
    if (name === "*") rest(named);
    else if (BUILTIN.has(name)) push(name, builtinValue(record, name));
    else push(name, fields !== undefined && name in fields ? fields[name] : bound[name]);
  }
  if (!named.has("message")) push("message", record.message);
  return out;
}
