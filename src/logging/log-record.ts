import type { LogFields } from "./log-fields.js";

/** One log line, as wfkit's formatters see it. */
export interface LogRecord {
  time: Date;
  level: string;
  logger: string;
  message: string;
  /** Fields the logger is bound to (workflow, task, run id…). */
  bound: LogFields;
  /** Fields given to this one call. */
  fields: LogFields;
}

const RESERVED = new Set(["0", "1", "_logMeta"]);

/** Turn tslog's record (args under "0"/"1", bindings spread, meta under `_logMeta`) into a LogRecord. */
export function fromTslogRecord(record: Record<string, unknown>): LogRecord {
  const meta = record["_logMeta"] as { date: Date | string; logLevelName: string; name?: string };
  const bound: LogFields = {};
  for (const key of Object.keys(record)) if (!RESERVED.has(key)) bound[key] = record[key];
  return {
    time: meta.date instanceof Date ? meta.date : new Date(meta.date),
    level: meta.logLevelName,
    logger: meta.name ?? "",
    message: String(record["0"] ?? ""),
    bound,
    fields: (record["1"] as LogFields | undefined) ?? {},
  };
}
