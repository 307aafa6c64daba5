import { LOG_LEVELS } from "./log-level.js";
import { fieldEntries } from "./field-entries.js";
import type { LineFormat } from "./line-format.js";
import { isoTime, type LogRecord } from "./log-record.js";
import type { LogFields } from "./log-fields.js";
import { textValue } from "./render-value.js";

const BARE = /^[^\s"=\\\u0000-\u001f\u007f]+$/;
const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A logfmt value: bare when it can be, else double-quoted with Go-style escapes. */
export function logfmtValue(text: string): string {
  if (text !== "" && BARE.test(text)) return text;
  return `"${text.replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/** A logfmt key: anything but spaces, `=` and quotes (replaced by `_`). */
export function logfmtKey(key: string): string {
  const clean = key.replace(/[\s="\\\u0000-\u001f\u007f]/g, "_");
  return clean === "" ? "_" : clean;
}

function pairs(fields: LogFields): string {
  let out = "";
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) out += ` ${logfmtKey(key)}=${logfmtValue(textValue(value))}`;
  }
  return out;
}

/** `key=value` pairs separated by spaces (logfmt, as Heroku and Go's go-logfmt write it). */
export class LogfmtFormat implements LineFormat {
  constructor(private readonly metadata: readonly string[] | null) {}

  bound(bound: LogFields): string {
    return this.metadata === null ? pairs(bound) : "";
  }

  line(record: LogRecord, bound: LogFields, boundText: string): string {
    if (this.metadata !== null || record.overrides) {
      return fieldEntries(record, bound, this.metadata)
        .map(([key, value]) => `${logfmtKey(key)}=${logfmtValue(textValue(value))}`)
        .join(" ");
    }
    const fields = record.fields === undefined ? "" : pairs(record.fields);
    return `timestamp=${isoTime(record.time)} level=${LOG_LEVELS[record.levelId]} logger=${logfmtValue(record.logger)} message=${logfmtValue(record.message)}${boundText}${fields}`;
  }
}
