import { LOG_LEVELS } from "./log-level.js";
import { fieldEntries } from "./field-entries.js";
import type { LineFormat } from "./line-format.js";
import { isoTime, type LogRecord } from "./log-record.js";
import type { LogFields } from "./log-fields.js";
import { textValue } from "./render-value.js";

/** How one key-value format writes a field. */
export interface KeyValueSyntax {
  key(key: string): string;
  value(text: string): string;
  /** Between key and value (`=`, `:`). */
  assign: string;
  /** Between fields (space, tab). */
  separator: string;
}

/**
 * A line of `key<assign>value` fields (logfmt, LTSV). The default layout is built by
 * concatenation, with the bound fields rendered once per logger.
 */
export class KeyValueFormat implements LineFormat {
  constructor(
    private readonly syntax: KeyValueSyntax,
    private readonly metadata: readonly string[] | null,
  ) {}

  private pairs(fields: LogFields): string {
    const { key, value, assign, separator } = this.syntax;
    let out = "";
    for (const name in fields) {
      const v = fields[name];
      if (v !== undefined) out += `${separator}${key(name)}${assign}${value(textValue(v))}`;
    }
    return out;
  }

  bound(bound: LogFields): string {
    return this.metadata === null ? this.pairs(bound) : "";
  }

  line(record: LogRecord, bound: LogFields, boundText: string): string {
    const { key, value, assign, separator: s } = this.syntax;
    if (this.metadata !== null || record.overrides) {
      return fieldEntries(record, bound, this.metadata)
        .map(([name, v]) => `${key(name)}${assign}${value(textValue(v))}`)
        .join(s);
    }
    const fields = record.fields === undefined ? "" : this.pairs(record.fields);
    return `timestamp${assign}${isoTime(record.time)}${s}level${assign}${LOG_LEVELS[record.levelId]}${s}logger${assign}${value(record.logger)}${s}message${assign}${value(record.message)}${boundText}${fields}`;
  }
}
