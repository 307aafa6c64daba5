import { LOG_LEVELS } from "./log-level.js";
import { fieldEntries } from "./field-entries.js";
import type { LineFormat } from "./line-format.js";
import { isoTime, type LogRecord } from "./log-record.js";
import type { LogFields } from "./log-fields.js";
import { jsonString, jsonValue } from "./render-value.js";

function pairs(fields: LogFields): string {
  let out = "";
  for (const key in fields) {
    const value = jsonValue(fields[key]);
    if (value !== undefined) out += `,${jsonString(key)}:${value}`;
  }
  return out;
}

/**
 * One JSON object per line. The default layout is built by concatenation with the bound fields
 * serialized once per logger, which is what makes it as fast as pino (BENCHMARKS.md).
 */
export class JsonFormat implements LineFormat {
  constructor(private readonly metadata: readonly string[] | null) {}

  bound(bound: LogFields): string {
    return this.metadata === null ? pairs(bound) : "";
  }

  line(record: LogRecord, bound: LogFields, boundText: string): string {
    if (this.metadata !== null || record.overrides) {
      let out = "";
      for (const [key, value] of fieldEntries(record, bound, this.metadata)) {
        const json = jsonValue(value);
        if (json !== undefined) out += `${out === "" ? "" : ","}${jsonString(key)}:${json}`;
      }
      return `{${out}}`;
    }
    const fields = record.fields === undefined ? "" : pairs(record.fields);
    return `{"timestamp":"${isoTime(record.time)}","level":"${LOG_LEVELS[record.levelId]}","logger":${jsonString(record.logger)},"message":${jsonString(record.message)}${boundText}${fields}}`;
  }
}
