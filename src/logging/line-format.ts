import type { LogFields } from "./log-fields.js";
import type { LogRecord } from "./log-record.js";

/** Turns records into lines of one format. */
export interface LineFormat {
  /** The bound fields, rendered once per logger (empty when the layout is not the default). */
  bound(bound: LogFields): string;
  /** One line, without its newline. `boundText` is what `bound()` returned for this logger. */
  line(record: LogRecord, bound: LogFields, boundText: string): string;
}
