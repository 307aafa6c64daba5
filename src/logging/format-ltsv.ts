import { LOG_LEVELS } from "./log-level.js";
import { fieldEntries } from "./field-entries.js";
import type { LineFormat } from "./line-format.js";
import { isoTime, type LogRecord } from "./log-record.js";
import type { LogFields } from "./log-fields.js";
import { textValue } from "./render-value.js";

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** An LTSV value: no tab, CR or LF (escaped as `\t`, `\r`, `\n`; a backslash as `\\`). */
export function ltsvValue(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : text;
}

/** An LTSV label: `[0-9A-Za-z_.-]+` (other characters become `_`). */
export function ltsvLabel(key: string): string {
  const clean = key.replace(/[^0-9A-Za-z_.-]/g, "_");
  return clean === "" ? "_" : clean;
}

function pairs(fields: LogFields): string {
  let out = "";
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) out += `\t${ltsvLabel(key)}:${ltsvValue(textValue(value))}`;
  }
  return out;
}

/** Labeled Tab-Separated Values (ltsv.org): `label:value` fields separated by tabs. */
export class LtsvFormat implements LineFormat {
  constructor(private readonly metadata: readonly string[] | null) {}

  bound(bound: LogFields): string {
    return this.metadata === null ? pairs(bound) : "";
  }

  line(record: LogRecord, bound: LogFields, boundText: string): string {
    if (this.metadata !== null || record.overrides) {
      return fieldEntries(record, bound, this.metadata)
        .map(([key, value]) => `${ltsvLabel(key)}:${ltsvValue(textValue(value))}`)
        .join("\t");
    }
    const fields = record.fields === undefined ? "" : pairs(record.fields);
    return `timestamp:${isoTime(record.time)}\tlevel:${LOG_LEVELS[record.levelId]}\tlogger:${ltsvValue(record.logger)}\tmessage:${ltsvValue(record.message)}${boundText}${fields}`;
  }
}
